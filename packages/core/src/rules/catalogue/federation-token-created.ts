import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** GetFederationToken's default lifetime when the request names none. */
const DEFAULT_DURATION_SECONDS = 43_200;

function duration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${Math.round(seconds / 60)} minutes`;
}

/** A string two levels down in responseElements, e.g. `federatedUser.arn`. */
function responseField(event: CloudTrailEvent, parent: string, key: string): string | undefined {
  const object = event.responseElements?.[parent];
  if (typeof object !== "object" || object === null) return undefined;
  const value = (object as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

export const federationTokenCreated = defineRule({
  kind: "event",
  meta: {
    id: "federation-token-created",
    title: "Federation token created by an IAM user",
    severity: "MEDIUM",
    description:
      "An IAM user called GetFederationToken and received temporary credentials for a federated user session, which also opens the console through the federation endpoint. These credentials stay valid for up to 36 hours even after the user's access key is deleted, so attackers use them to keep access. Without a session policy the session has no permissions of its own (LOW).",
    remediation:
      "Confirm the user runs a broker that hands out federated sessions. If not, attach a deny-all policy to the user (a federated session can never do more than its user, so this cuts the session off too), deactivate the user's access keys, and review what the session did.",
    references: [ATTACK.applicationAccessToken, ATTACK.additionalCloudCredentials],
  },
  selectors: [{ eventSource: "sts.amazonaws.com", eventNames: ["GetFederationToken"], identityTypes: ["IAMUser"] }],
  evaluate(event) {
    if (!succeeded(event) || event.userIdentity.type !== "IAMUser") return undefined;
    const name = requestString(event, "name");
    const federatedUser =
      responseField(event, "federatedUser", "arn") ??
      `arn:aws:sts::${eventAccount(event)}:federated-user/${need(event, ["responseElements.federatedUser.arn", "requestParameters.name"], "which federated session was created")}`;

    const requested = event.requestParameters?.durationSeconds;
    const durationSeconds = typeof requested === "number" ? requested : DEFAULT_DURATION_SECONDS;
    const sessionPolicy = requestString(event, "policy") !== undefined || Array.isArray(event.requestParameters?.policyArns);
    const keyId = responseField(event, "credentials", "accessKeyId");
    const caller = event.userIdentity.userName ?? principalArn(event);
    return {
      ...(sessionPolicy ? {} : { severity: "LOW" as const }),
      resource: federatedUser,
      summary: `The IAM user ${caller} created the federated session ${name ?? federatedUser}${keyId ? ` (${keyId})` : ""}, valid for ${duration(durationSeconds)}.`,
      details: { durationSeconds, sessionPolicy, ...(keyId ? { accessKeyId: keyId } : {}) },
    };
  },
});
