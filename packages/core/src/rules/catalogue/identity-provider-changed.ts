import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, responseString, succeeded } from "../../event/principal.ts";
import type { Severity } from "../../findings/Severity.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * What each call does to the account's trust, in words for the summary. Adding or replacing trust is
 * HIGH: whoever controls the provider's signing key can then become any role that trusts it. Removing
 * trust is MEDIUM: it cuts off federated sign-in but opens nothing.
 */
const CHANGES: Record<string, { verb: string; severity: Severity }> = {
  CreateSAMLProvider: { verb: "created the SAML identity provider", severity: "HIGH" },
  UpdateSAMLProvider: { verb: "replaced the metadata (and so the signing keys) of the SAML identity provider", severity: "HIGH" },
  DeleteSAMLProvider: { verb: "deleted the SAML identity provider", severity: "MEDIUM" },
  CreateOpenIDConnectProvider: { verb: "created the OIDC identity provider", severity: "HIGH" },
  UpdateOpenIDConnectProviderThumbprint: { verb: "replaced the certificate thumbprints of the OIDC identity provider", severity: "HIGH" },
  AddClientIDToOpenIDConnectProvider: { verb: "added a client ID (audience) to the OIDC identity provider", severity: "HIGH" },
  DeleteOpenIDConnectProvider: { verb: "deleted the OIDC identity provider", severity: "MEDIUM" },
  RemoveClientIDFromOpenIDConnectProvider: { verb: "removed a client ID (audience) from the OIDC identity provider", severity: "MEDIUM" },
};

/** The provider's ARN: in the request for every call but Create*, whose response carries it; else built from the request. */
function providerArn(event: CloudTrailEvent): string {
  const saml = event.eventName.includes("SAML");
  const arnKey = saml ? "sAMLProviderArn" : "openIDConnectProviderArn";
  const arn = requestString(event, arnKey) ?? responseString(event, arnKey);
  if (arn) return arn;
  const nameKey = saml ? "name" : "url";
  const named = need(event, [`requestParameters.${arnKey}`, `responseElements.${arnKey}`, `requestParameters.${nameKey}`], "which identity provider was changed");
  // An OIDC provider is named by its issuer URL without the scheme.
  return saml ? `arn:aws:iam::${eventAccount(event)}:saml-provider/${named}` : `arn:aws:iam::${eventAccount(event)}:oidc-provider/${named.replace(/^https:\/\//, "")}`;
}

export const identityProviderChanged = defineRule({
  kind: "event",
  meta: {
    id: "identity-provider-changed",
    title: "SAML or OIDC identity provider changed",
    severity: "HIGH",
    description:
      "An IAM SAML or OpenID Connect identity provider was created, changed or deleted. Identity providers decide which outside identities can assume roles in the account; a provider an attacker controls, a replaced SAML signing certificate or an added OIDC audience is a lasting way back in. Deleting a provider or removing an audience is MEDIUM.",
    remediation:
      "Confirm the change with the team that owns federation. If it is unexpected, restore the provider's previous metadata, thumbprints or audiences (or delete a provider nobody created), review the trust policies of roles that name it, and review role sessions federated through it since the change.",
    references: [ATTACK.trustModification],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: Object.keys(CHANGES) }],
  evaluate(event) {
    const change = CHANGES[event.eventName];
    if (!succeeded(event) || !change) return undefined;
    const provider = providerArn(event);
    const clientId = requestString(event, "clientID");
    return {
      severity: change.severity,
      resource: provider,
      summary: `${principalArn(event)} ${change.verb} ${provider}${clientId ? ` (client ID ${clientId})` : ""}.`,
      ...(clientId ? { details: { clientId } } : {}),
    };
  },
});
