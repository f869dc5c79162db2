import { federatedBy } from "../../event/federation.ts";
import { issuerArn, principalArn } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const consoleSessionFromAccessKeys = defineRule({
  kind: "event",
  meta: {
    id: "console-session-from-access-keys",
    title: "Console session made from API credentials",
    severity: "MEDIUM",
    description:
      "The federation endpoint issued a console sign-in token (signin GetSigninToken) for temporary credentials: a role session or a federation token, often made from an IAM user's long-term access keys. Tools such as aws_consoler and aws-vault do this to open the console with stolen or programmatic keys, without a password and without MFA; the console session then hides which key was used. Identity Center portal sign-ins (roles under /aws-reserved/sso.amazonaws.com/) are expected and not reported.",
    remediation:
      "Confirm the principal is meant to use the console through federation. If not, revoke the session (deny on aws:TokenIssueTime for the role, or delete the user's access key behind the federation token) and review what the console session did. Deny sts:GetFederationToken to users who do not need it.",
    // Sources: IAM User Guide, "Enable custom identity broker access to the AWS console"
    // (id_roles_providers_enable-console-custom-url.html) and "Logging sign-in events for temporary
    // credentials" (cloudtrail-integration.html#cloudtrail-integration_signin-tempcreds); NetSPI
    // aws_consoler (https://github.com/NetSPI/aws_consoler); SigmaHQ rule f8103686-e3e8-46f3-be72-65f7fcb4aa53.
    references: [ATTACK.applicationAccessToken, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "signin.amazonaws.com", eventNames: ["GetSigninToken"] }],
  evaluate(event) {
    // Identity Center's portal signs its users in to the console with GetSigninToken on their
    // permission-set roles. The Sigma rule "AWS Console GetSigninToken Potential Abuse" filters the
    // same traffic by the portal's user agent, which we do not trust: the caller sets it.
    if (federatedBy(event) === "identity-center") return undefined;
    const failed = event.errorCode !== undefined && event.errorCode !== "";
    const ip = event.sourceIPAddress ?? "an unrecorded address";
    return {
      resource: principalArn(event),
      summary: `${principalArn(event)} ${failed ? `tried to get (${event.errorCode})` : "got"} a console sign-in token for its temporary credentials from ${ip}.`,
      details: {
        sourceIPAddress: event.sourceIPAddress ?? "unknown",
        identityType: event.userIdentity.type,
        ...(issuerArn(event) ? { issuer: issuerArn(event) } : {}),
        ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      },
    };
  },
});
