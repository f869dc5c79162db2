import type { AuthorizationDetails } from "../access/AuthorizationDetails.ts";
import { narrowablePrincipals, type PrincipalPolicies } from "../access/principalPolicies.ts";
import type { PrincipalServiceAccess, ServiceLastAccessed } from "../access/ServiceLastAccessed.ts";
import type { ActionIndex } from "../policy/ActionIndex.ts";
import { analysePermissions } from "../policy/analysePermissions.ts";
import { parsePolicy } from "../policy/parsePolicy.ts";
import { daysSince } from "./credentials.ts";
import type { PostureContext } from "./PostureCheck.ts";

/** AWS's own full-administration policy: known by its ARN when the details do not carry its document. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

export interface AdminGrant {
  /** The policies that each allow every action on every resource, without a condition, by id. */
  policies: string[];
  /** The policies with a grant of every action (`*`), on whatever resources and conditions, by id. */
  allActions: string[];
  /** Policies that could not be read, with why; a principal may be an administrator through one of them. */
  unreadable: string[];
}

/** What one policy document grants that the unused-access checks weigh, or why it cannot be read. */
type PolicyVerdict = { fullAdmin: boolean; allActions: boolean } | { unreadable: string };

/**
 * Which of a principal's policies allow every action on every resource without a condition, read
 * with the same analysis as admin-policy-in-use, and which grant every action at all. A conditional
 * full grant does not make an administrator: the condition may be what keeps it rare.
 */
function adminGrantOf(principal: PrincipalPolicies, actions: ActionIndex | undefined, verdicts: Map<string, PolicyVerdict>): AdminGrant {
  const grant: AdminGrant = { policies: [], allActions: [], unreadable: [] };
  for (const policy of principal.policies) {
    // A managed policy is read once however many principals hold it: with the action index, one
    // analysis can take milliseconds, and AdministratorAccess may be attached to hundreds.
    let verdict = policy.kind === "managed" ? verdicts.get(policy.id) : undefined;
    if (verdict === undefined) {
      verdict = policyVerdict(policy.document, actions);
      if (policy.kind === "managed") verdicts.set(policy.id, verdict);
    }
    if ("unreadable" in verdict) {
      grant.unreadable.push(`${policy.id}: ${verdict.unreadable}`);
      continue;
    }
    if (verdict.fullAdmin) grant.policies.push(policy.id);
    if (verdict.allActions) grant.allActions.push(policy.id);
  }
  for (const arn of principal.unreadable) {
    if (ADMINISTRATOR_ACCESS.test(arn)) grant.policies.push(arn);
    else grant.unreadable.push(`${arn}: its document is not in the authorization details`);
  }
  return grant;
}

function policyVerdict(document: PrincipalPolicies["policies"][number]["document"], actions: ActionIndex | undefined): PolicyVerdict {
  try {
    const analysis = analysePermissions(parsePolicy(document), actions ? { actions } : {});
    return {
      fullAdmin: analysis.fullAdmin !== undefined && !analysis.fullAdmin.conditional,
      allActions: analysis.wildcards.some((grant) => grant.kind === "all-actions"),
    };
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
}

/** A principal Access Advisor was read for, with what it holds. */
export interface AdvisedPrincipal {
  access: PrincipalServiceAccess;
  principal: PrincipalPolicies;
  admin: AdminGrant;
}

/**
 * The principals the Access Advisor checks judge this run: those Access Advisor was read for (the
 * run declares them judged, so only their findings can be resolved), less the ones deleted since,
 * service-linked, or younger than the window, which has not had time to show anything unused.
 */
export function advisedPrincipals(
  details: AuthorizationDetails,
  accesses: readonly PrincipalServiceAccess[],
  windowDays: number,
  context: Pick<PostureContext<unknown>, "now" | "actions" | "judgedOnly">,
): AdvisedPrincipal[] {
  const principals = new Map(narrowablePrincipals(details).map((principal) => [principal.arn, principal]));
  context.judgedOnly(accesses.map((access) => access.arn));
  const advised: AdvisedPrincipal[] = [];
  const verdicts = new Map<string, PolicyVerdict>();
  for (const access of accesses) {
    const principal = principals.get(access.arn);
    if (!principal) continue;
    if (principal.createDate !== undefined && daysSince(principal.createDate, context.now) < windowDays) continue;
    advised.push({ access, principal, admin: adminGrantOf(principal, context.actions, verdicts) });
  }
  return advised;
}

/** Whether Access Advisor saw the principal use the service within the last `days` days. */
export function usedWithin(service: ServiceLastAccessed, days: number, now: Date): boolean {
  return service.LastAuthenticated !== undefined && daysSince(service.LastAuthenticated, now) < days;
}

/** `s3, ec2, lambda and 4 more`: the first few of a list for a one-line summary. */
export function firstFew(items: readonly string[], shown = 6): string {
  if (items.length <= shown) return items.join(", ");
  return `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}

/** A principal's kind and name as a summary starts it: `Role deploy`, `IAM user alice`. */
export function principalLabel(principal: Pick<PrincipalPolicies, "kind" | "name">): string {
  return principal.kind === "role" ? `Role ${principal.name}` : `IAM user ${principal.name}`;
}
