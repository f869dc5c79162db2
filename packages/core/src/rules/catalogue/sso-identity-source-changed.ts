import { need } from "../../event/needField.ts";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * Calls that change who Identity Center believes, with their CloudTrail event sources as the IAM
 * Identity Center User Guide lists them ("Logging IAM Identity Center API calls with AWS
 * CloudTrail", https://docs.aws.amazon.com/singlesignon/latest/userguide/logging-using-cloudtrail.html):
 * - sso.amazonaws.com (console operations): AssociateDirectory, DisassociateDirectory,
 *   UpdateDirectoryAssociation: the identity source switched to or from Active Directory.
 * - sso-directory.amazonaws.com (identity store operations): Create/Update/Enable/Disable/
 *   DeleteExternalIdPConfigurationForDirectory: the external SAML IdP and its signing certificate.
 * - sso-directory.amazonaws.com CreateBearerToken: a SCIM access token, which lets its holder create
 *   users and groups and change group membership. This name comes from the service authorization
 *   reference (`sso-directory:CreateBearerToken`), not from the CloudTrail list; it is the console's
 *   call for "Generate token".
 * These are console APIs without a public reference, so their request fields are not documented;
 * the resource is read from whichever identifier the record carries.
 */
const CHANGES: Record<string, { source: string; verb: string }> = {
  AssociateDirectory: { source: "sso.amazonaws.com", verb: "associated a directory as Identity Center's identity source" },
  DisassociateDirectory: { source: "sso.amazonaws.com", verb: "disassociated Identity Center's directory (its identity source)" },
  UpdateDirectoryAssociation: { source: "sso.amazonaws.com", verb: "changed Identity Center's directory association (its identity source)" },
  CreateExternalIdPConfigurationForDirectory: { source: "sso-directory.amazonaws.com", verb: "configured an external identity provider for Identity Center" },
  UpdateExternalIdPConfigurationForDirectory: { source: "sso-directory.amazonaws.com", verb: "changed the external identity provider (SAML metadata or certificate) of Identity Center" },
  EnableExternalIdPConfigurationForDirectory: { source: "sso-directory.amazonaws.com", verb: "enabled an external identity provider for Identity Center" },
  DisableExternalIdPConfigurationForDirectory: { source: "sso-directory.amazonaws.com", verb: "disabled the external identity provider of Identity Center" },
  DeleteExternalIdPConfigurationForDirectory: { source: "sso-directory.amazonaws.com", verb: "deleted the external identity provider of Identity Center" },
  CreateBearerToken: { source: "sso-directory.amazonaws.com", verb: "created a SCIM provisioning access token for Identity Center" },
};

/** Identifiers these calls are expected to carry, most specific first. */
const IDENTIFIERS = ["externalIdPConfigurationId", "directoryId", "identityStoreId", "instanceArn"] as const;

function resourceOf(event: CloudTrailEvent): string | undefined {
  for (const key of IDENTIFIERS) {
    const value = requestString(event, key);
    if (value) return value;
  }
  return undefined;
}

const names = (source: string) =>
  Object.entries(CHANGES)
    .filter(([, change]) => change.source === source)
    .map(([name]) => name);

export const ssoIdentitySourceChanged = defineRule({
  kind: "event",
  meta: {
    id: "sso-identity-source-changed",
    title: "Identity Center identity source, external IdP or SCIM token changed",
    severity: "CRITICAL",
    description:
      "IAM Identity Center's identity source was switched (a directory associated or disassociated), its external identity provider was configured, changed, enabled, disabled or deleted, or a SCIM provisioning token was created. Whoever controls the identity source or holds a SCIM token decides who every Identity Center user is, and so who gets every permission set in every account: a lasting way into the whole organization.",
    remediation:
      "Confirm the change with the team that owns Identity Center and the identity provider. If it is unexpected, restore the previous identity source or IdP metadata, revoke SCIM tokens nobody asked for, and review users, groups and account assignments created or changed since.",
    references: [ATTACK.trustModification, ATTACK.hybridIdentity],
  },
  selectors: [
    { eventSource: "sso.amazonaws.com", eventNames: names("sso.amazonaws.com") },
    { eventSource: "sso-directory.amazonaws.com", eventNames: names("sso-directory.amazonaws.com") },
  ],
  evaluate(event) {
    const change = CHANGES[event.eventName];
    if (!succeeded(event) || !change || change.source !== event.eventSource) return undefined;
    const resource = resourceOf(event) ?? need(event, IDENTIFIERS.map((key) => `requestParameters.${key}`), "which directory or Identity Center instance was changed");
    return {
      resource,
      summary: `${principalArn(event)} ${change.verb} (${resource}).`,
    };
  },
});
