import { need } from "../../event/needField.ts";
import { callerUserName, eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { createdAccessKeyId, createsRootAccessKey } from "./root-access-key-created.ts";

export const accessKeyCreated = defineRule({
  kind: "event",
  meta: {
    id: "access-key-created",
    title: "Access key created for an IAM user",
    severity: "MEDIUM",
    description:
      "A long-lived access key was created for an IAM user. Users rotating their own key is routine (MEDIUM); a key created for a user by someone else is HIGH, because that is how an attacker with IAM permissions keeps access through another identity. Root's own keys are covered by root-access-key-created.",
    remediation:
      "Confirm the key has an owner and a purpose, and that the user now has at most one active key. If it was created by someone else without a ticket, deactivate it, review what it was used for, and review what the creator did.",
    references: [CIS.oneActiveKey, ATTACK.additionalCloudCredentials],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateAccessKey"] }],
  evaluate(event) {
    if (!succeeded(event) || createsRootAccessKey(event)) return undefined;
    // Without a user name, the key is the calling IAM user's own.
    const caller = callerUserName(event);
    const userName = requestString(event, "userName") ?? caller ?? need(event, "requestParameters.userName", "whose access key was created");
    const keyId = createdAccessKeyId(event);
    const key = keyId ? `access key ${keyId}` : "an access key";
    const self = userName === caller;
    return {
      severity: self ? "MEDIUM" : "HIGH",
      resource: `arn:aws:iam::${eventAccount(event)}:user/${userName}`,
      summary: self
        ? `The IAM user ${userName} created ${key} for itself.`
        : `${principalArn(event)} created ${key} for the IAM user ${userName}.`,
      details: { selfService: self, ...(keyId ? { accessKeyId: keyId } : {}) },
    };
  },
});
