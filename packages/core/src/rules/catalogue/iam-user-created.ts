import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const iamUserCreated = defineRule({
  kind: "event",
  meta: {
    id: "iam-user-created",
    title: "IAM user created",
    severity: "MEDIUM",
    description:
      "A new IAM user was created. Long-lived IAM users are a common way to keep access to an account; in accounts that use federation or SSO they should be rare.",
    remediation:
      "Confirm the user was created through your provisioning process and has an owner. If not, delete its access keys and login profile, then the user, and review what created it.",
    references: [ATTACK.createCloudAccount],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
  evaluate(event) {
    if (!succeeded(event)) return undefined;
    const userName = need(event, "requestParameters.userName", "which IAM user was created");
    const path = requestString(event, "path") ?? "/";
    return {
      resource: `arn:aws:iam::${eventAccount(event)}:user${path}${userName}`,
      summary: `${principalArn(event)} created the IAM user ${userName}.`,
    };
  },
});
