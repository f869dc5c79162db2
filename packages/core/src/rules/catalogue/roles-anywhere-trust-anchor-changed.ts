import { need } from "../../event/needField.ts";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * IAM Roles Anywhere (eventSource rolesanywhere.amazonaws.com) calls that let X.509 certificates
 * become AWS credentials, with request and response fields as the IAM Roles Anywhere API Reference
 * names them (https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/). A trust anchor names
 * the CA whose certificates are accepted; a profile names the roles those certificates may become.
 * Disabling or deleting a certificate revocation list makes revoked certificates good again.
 */
const CHANGES: Record<string, { kind: "anchor" | "profile" | "crl"; verb: string }> = {
  CreateTrustAnchor: { kind: "anchor", verb: "created the Roles Anywhere trust anchor" },
  UpdateTrustAnchor: { kind: "anchor", verb: "updated the Roles Anywhere trust anchor" },
  EnableTrustAnchor: { kind: "anchor", verb: "enabled the Roles Anywhere trust anchor" },
  CreateProfile: { kind: "profile", verb: "created the Roles Anywhere profile" },
  UpdateProfile: { kind: "profile", verb: "updated the Roles Anywhere profile" },
  EnableProfile: { kind: "profile", verb: "enabled the Roles Anywhere profile" },
  DisableCrl: { kind: "crl", verb: "disabled the Roles Anywhere certificate revocation list" },
  DeleteCrl: { kind: "crl", verb: "deleted the Roles Anywhere certificate revocation list" },
};

/** What each source type means for who can mint credentials. */
const SOURCE_TYPES: Record<string, string> = {
  AWS_ACM_PCA: "an AWS Private CA",
  CERTIFICATE_BUNDLE: "an uploaded CA certificate bundle, a CA outside AWS",
  SELF_SIGNED_REPOSITORY: "a self-signed certificate repository",
};

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The response's copy of the trust anchor or profile (Create*, Update*, Enable* return it). */
function responseItem(event: CloudTrailEvent, kind: "anchor" | "profile" | "crl"): Record<string, unknown> | undefined {
  return objectOf(event.responseElements?.[kind === "anchor" ? "trustAnchor" : kind === "profile" ? "profile" : "crl"]);
}

/** Where the record names what changed, for saying what is missing when it names nothing. */
const ID_KEYS = { anchor: "trustAnchorId", profile: "profileId", crl: "crlId" } as const;
const RESPONSE_KEYS = { anchor: "trustAnchor", profile: "profile", crl: "crl" } as const;
const WHAT = { anchor: "trust anchor", profile: "profile", crl: "revocation list" } as const;

function resourceArn(event: CloudTrailEvent, kind: "anchor" | "profile" | "crl"): string | undefined {
  const item = responseItem(event, kind);
  const [arnKey, idKey, type] =
    kind === "anchor" ? (["trustAnchorArn", "trustAnchorId", "trust-anchor"] as const) : kind === "profile" ? (["profileArn", "profileId", "profile"] as const) : (["crlArn", "crlId", "crl"] as const);
  const arn = textOf(item?.[arnKey]);
  if (arn) return arn;
  const id = requestString(event, idKey) ?? textOf(item?.[idKey]);
  return id ? `arn:aws:rolesanywhere:${event.awsRegion}:${eventAccount(event)}:${type}/${id}` : undefined;
}

/** The trust anchor's source, in words: from the request (Create, Update) or the response (Enable). */
function describeSource(event: CloudTrailEvent): { type: string | undefined; words: string } {
  const source = objectOf(event.requestParameters?.source) ?? objectOf(responseItem(event, "anchor")?.source);
  const type = textOf(source?.sourceType);
  if (!type) return { type, words: "a CA the record does not name" };
  const pca = textOf(objectOf(source?.sourceData)?.acmPcaArn);
  return { type, words: `${SOURCE_TYPES[type] ?? "a CA"} (${type}${pca ? ` ${pca}` : ""})` };
}

function describeRoles(event: CloudTrailEvent): { roles: string[]; words: string } {
  const raw = event.requestParameters?.roleArns ?? responseItem(event, "profile")?.roleArns;
  const roles = Array.isArray(raw) ? raw.filter((role): role is string => typeof role === "string") : [];
  return { roles, words: roles.length > 0 ? `the roles ${roles.join(", ")}` : "roles the record does not name" };
}

export const rolesAnywhereTrustAnchorChanged = defineRule({
  kind: "event",
  meta: {
    id: "roles-anywhere-trust-anchor-changed",
    title: "IAM Roles Anywhere trust anchor or profile changed",
    severity: "HIGH",
    description:
      "An IAM Roles Anywhere trust anchor or profile was created, updated or enabled, or a certificate revocation list was disabled or deleted. A trust anchor lets any certificate its CA issues be exchanged for temporary credentials of the roles a profile names: whoever controls that CA can now mint AWS credentials from outside AWS, and a removed revocation list makes revoked certificates work again. An uploaded CA bundle (CERTIFICATE_BUNDLE) is a CA AWS does not hold, the riskier kind.",
    remediation:
      "Confirm the change with the team that owns workload identity outside AWS. If it is unexpected, disable the trust anchor or profile, check which roles trust rolesanywhere.amazonaws.com and with what conditions, and review sessions created through Roles Anywhere since the change.",
    references: [ATTACK.trustModification, ATTACK.additionalCloudCredentials],
  },
  selectors: [{ eventSource: "rolesanywhere.amazonaws.com", eventNames: Object.keys(CHANGES) }],
  evaluate(event) {
    const change = CHANGES[event.eventName];
    if (!succeeded(event) || !change) return undefined;
    const arn = resourceArn(event, change.kind) ?? need(event, [`requestParameters.${ID_KEYS[change.kind]}`, `responseElements.${RESPONSE_KEYS[change.kind]}`], `which ${WHAT[change.kind]} was changed`);
    const name = requestString(event, "name") ?? textOf(responseItem(event, change.kind)?.name);
    const target = `${arn}${name ? ` (${name})` : ""}`;
    const base = { resource: arn };
    if (change.kind === "anchor") {
      const source = describeSource(event);
      return { ...base, summary: `${principalArn(event)} ${change.verb} ${target}, trusting certificates from ${source.words}.`, details: { sourceType: source.type ?? null } };
    }
    if (change.kind === "profile") {
      const roles = describeRoles(event);
      return { ...base, summary: `${principalArn(event)} ${change.verb} ${target}, which certificates can use to become ${roles.words}.`, details: { roleArns: roles.roles } };
    }
    return { ...base, summary: `${principalArn(event)} ${change.verb} ${target}: certificates it revoked are accepted again.` };
  },
});
