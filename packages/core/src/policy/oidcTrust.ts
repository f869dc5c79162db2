import { actionMatches } from "./actionPattern.ts";
import type { StatementRef } from "./analysePermissions.ts";
import type { ConditionBlock, PolicyDocument, PolicyStatement } from "./PolicyDocument.ts";
import { hasWildcard } from "./wildcard.ts";

/**
 * Roles that trust an OpenID Connect provider without pinning WHO at that provider may assume them.
 *
 * A token from GitHub Actions, GitLab, Terraform Cloud, a Kubernetes cluster or Google is issued to
 * anyone who can run a workflow, a pipeline, a run or a pod there; an attacker with a free account
 * gets one too. Only the subject claim (`<provider>:sub`) says which repository, project, workspace
 * or service account the token belongs to. `aud` names the intended audience, which the provider
 * sets to a fixed value (`sts.amazonaws.com` for GitHub) or the requester chooses (Google service
 * accounts mint ID tokens for any audience), so it pins no one.
 *
 * A statement counts when it is an Allow whose Action takes in `sts:AssumeRoleWithWebIdentity` and
 * whose `Federated` principal is an OIDC provider: `arn:aws:iam::<account>:oidc-provider/<host>` or
 * a bare host (`accounts.google.com`, `cognito-identity.amazonaws.com`). SAML providers are not
 * OIDC. Each provider must be pinned by a Condition entry on `<host>:sub` (the key compares without
 * regard to case, like every condition key) whose every value pins an owner (see SUBJECT_FORMATS).
 * Cognito identity pools are the one exception: their tokens' `aud` is the identity pool, which only
 * the pool's account controls, so `cognito-identity.amazonaws.com:aud` pins (IAM User Guide,
 * "Available keys for AWS web identity federation").
 *
 * Operators, as principalConditions.ts reasons for trust policies: only `StringEquals`,
 * `StringEqualsIgnoreCase` and `StringLike`, alone or under `ForAnyValue:`, fail when the key is
 * absent. `...IfExists` and `ForAllValues:` are true without the key, negated operators let in
 * everyone but the named, and `Null` pins nothing. A `*` or `?` in a value is read as a wildcard
 * whatever the operator (under StringEquals it is literal and would match no real subject, but we
 * err towards reporting, as principalConditions.ts does). Denies are ignored, which also errs
 * towards reporting.
 */
export interface OidcTrustGap {
  statement: StatementRef;
  /** The Federated principal value as written. */
  provider: string;
  /** The provider's host and path, the prefix of its condition keys. */
  host: string;
  /** `no subject condition`: nothing on `<host>:sub`; `subject not pinned`: a value leaves the owner open. */
  reason: "no subject condition" | "subject not pinned";
  /** The subject values written (with a usable operator), for the finding. */
  subjects: string[];
  /** Condition keys on the statement that do not pin the subject (`<host>:aud`). */
  otherKeys: string[];
}

/**
 * Subject formats of the well-known providers, recognised by the claim's prefix so that GitHub
 * Enterprise Server, self-managed GitLab and Terraform Enterprise (other hosts) are read the same
 * way. `owner` matches the part that must be free of wildcards: the repository owner, the top-level
 * group, the organization, the namespace. A wildcard after it (`repo:octo-org/*`) stays inside one
 * owner's estate, which we accept.
 * - GitHub Actions: `repo:<owner>/<repo>:<environment:..|ref:..|pull_request>` (GitHub Docs, "About
 *   security hardening with OpenID Connect", example subject claims).
 * - GitLab CI: `project_path:<group>/<project>:ref_type:<type>:ref:<ref>` (GitLab Docs, "OpenID
 *   Connect (OIDC) Authentication Using ID Tokens", ID token claims `sub`).
 * - Terraform Cloud / Enterprise: `organization:<org>:project:<project>:workspace:<ws>:run_phase:<phase>`
 *   (HashiCorp, "Workload identity" token specification).
 * - Kubernetes / EKS IRSA: `system:serviceaccount:<namespace>:<service-account>` (Amazon EKS User
 *   Guide, "Assign IAM roles to Kubernetes service accounts", trust policy example).
 * - CircleCI: `org/<organization-id>/project/<project-id>/user/<user-id>` (CircleCI Docs, "Using
 *   OpenID Connect tokens in jobs").
 * Any other subject (Google's numeric account id, Bitbucket's `{repository-uuid}:{step-uuid}`, an
 * unknown provider) pins only when it has no wildcard at all.
 */
const SUBJECT_FORMATS: readonly { provider: string; prefix: string; owner: RegExp }[] = [
  { provider: "GitHub Actions", prefix: "repo:", owner: /^repo:[^/]+\// },
  { provider: "GitLab CI", prefix: "project_path:", owner: /^project_path:[^/]+\// },
  { provider: "Terraform Cloud", prefix: "organization:", owner: /^organization:[^:]+:/ },
  { provider: "Kubernetes service account", prefix: "system:serviceaccount:", owner: /^system:serviceaccount:[^:]+:/ },
  { provider: "CircleCI", prefix: "org/", owner: /^org\/[^/]+\// },
];

const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const COGNITO = "cognito-identity.amazonaws.com";
const PINNING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);

/** Every OIDC provider an allowing statement trusts without pinning the subject. */
export function unpinnedOidcTrust(policy: PolicyDocument): OidcTrustGap[] {
  const gaps: OidcTrustGap[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== "Allow" || !allowsWebIdentity(statement)) continue;
    const federated = statement.principal && statement.principal !== "*" ? (statement.principal.Federated ?? []) : [];
    for (const provider of federated) {
      const host = oidcHost(provider);
      if (host === undefined) continue;
      const gap = judge(statement.condition, host);
      if (gap) gaps.push({ statement: { index: statement.index, sid: statement.sid }, provider, host, ...gap });
    }
  }
  return gaps;
}

/** Whether one subject value pins an owner at the provider. */
export function subjectPins(value: string): boolean {
  const format = SUBJECT_FORMATS.find((candidate) => value.startsWith(candidate.prefix));
  if (!format) return !hasWildcard(value);
  const owner = format.owner.exec(value)?.[0];
  return owner !== undefined && !hasWildcard(owner);
}

/** The host (and path) of an OIDC provider principal; undefined for SAML providers and anything else. */
export function oidcHost(federated: string): string | undefined {
  const arn = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(federated);
  if (arn) return arn[1];
  if (federated.startsWith("arn:")) return undefined;
  return federated.includes(".") ? federated : undefined;
}

function judge(condition: ConditionBlock | undefined, host: string): Pick<OidcTrustGap, "reason" | "subjects" | "otherKeys"> | undefined {
  const subjectKey = `${host}:sub`.toLowerCase();
  const audienceKey = `${host}:aud`.toLowerCase();
  const subjects: string[] = [];
  const otherKeys = new Set<string>();
  let pinned = false;
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    const usable = PINNING_OPERATORS.has(operator.toLowerCase().replace(/^foranyvalue:/, ""));
    for (const [key, values] of Object.entries(entries)) {
      const lower = key.toLowerCase();
      const pinningKey = lower === subjectKey || (host === COGNITO && lower === audienceKey);
      if (!pinningKey || !usable) {
        otherKeys.add(key);
        continue;
      }
      if (lower === subjectKey) subjects.push(...values);
      if (values.length > 0 && values.every(subjectPins)) pinned = true;
    }
  }
  if (pinned) return undefined;
  return { reason: subjects.length > 0 ? "subject not pinned" : "no subject condition", subjects, otherKeys: [...otherKeys].sort() };
}

function allowsWebIdentity(statement: PolicyStatement): boolean {
  return statement.action
    ? statement.action.some((pattern) => actionMatches(pattern, WEB_IDENTITY))
    : !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, WEB_IDENTITY));
}
