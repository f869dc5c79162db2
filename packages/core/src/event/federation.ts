import type { CloudTrailEvent } from "./CloudTrailEvent.ts";
import { additionalString } from "./principal.ts";

/** How a caller signed in through an identity provider rather than with IAM credentials. */
export type Federation = "identity-center" | "saml" | "web-identity";

/**
 * Identity Center keeps each permission set's role under this path, with a region segment when the
 * instance lives outside us-east-1 (IAM User Guide, "Service-linked roles for IAM Identity Center").
 * The path, not the role name, is what counts: `/aws-reserved/` is AWS's own, while anyone allowed
 * to create roles can call one AWSReservedSSO_Admin.
 */
const IDENTITY_CENTER_ROLE = /^arn:[^:]+:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\/([a-z]{2}(-gov)?-[a-z]+-\d\/)?AWSReservedSSO_[^/]+$/;

/**
 * How the caller was federated, or undefined for IAM users, root, services and plain role sessions.
 * For these callers MFA, if any, happened at the identity provider, which CloudTrail cannot see: their
 * sessions say mfaAuthenticated "false" and their sign-ins MFAUsed "No" whatever the provider enforced.
 *
 * Sources: CloudTrail User Guide, "CloudTrail userIdentity element" (SAMLUser and WebIdentityUser for
 * AssumeRoleWithSAML and AssumeRoleWithWebIdentity, sessionContext.webIdFederationData for sessions
 * made from a web identity) and "AWS Management Console sign-in events" (additionalEventData.SamlProviderArn
 * on a SAML federated sign-in).
 */
export function federatedBy(event: CloudTrailEvent): Federation | undefined {
  const identity = event.userIdentity;
  const issuer = identity.sessionContext?.sessionIssuer?.arn;
  if (issuer !== undefined && IDENTITY_CENTER_ROLE.test(issuer)) return "identity-center";
  if (identity.type === "SAMLUser" || additionalString(event, "SamlProviderArn")) return "saml";
  if (identity.type === "WebIdentityUser" || webIdentityProvider(identity.sessionContext) !== undefined) return "web-identity";
  return undefined;
}

/**
 * The provider of a session made from a web identity. Every role session carries the field, empty
 * (`webIdFederationData: {}`) unless a provider made it; some producers spell it webIdentityFederationData.
 */
function webIdentityProvider(sessionContext: Record<string, unknown> | undefined): string | undefined {
  for (const key of ["webIdFederationData", "webIdentityFederationData"]) {
    const data = sessionContext?.[key];
    if (typeof data !== "object" || data === null) continue;
    const provider = (data as Record<string, unknown>).federatedProvider;
    if (typeof provider === "string" && provider !== "") return provider;
  }
  return undefined;
}
