import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const userAddedToAdminGroup = defineRule({
  kind: "event",
  meta: {
    id: "user-added-to-admin-group",
    title: "User added to a privileged group",
    severity: "HIGH",
    description:
      "An IAM user was added to a group whose name marks it as privileged (by default any name containing \"admin\"; see `privilegedGroupPatterns` in the configuration). The user gains the group's permissions at once, and membership changes draw less attention than policy changes.",
    remediation:
      "Confirm the membership was approved. If not, remove the user from the group (`aws iam remove-user-from-group`), review what the user did since, and check the caller's other recent changes.",
    references: [ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["AddUserToGroup"] }],
  evaluate(event, { settings }) {
    if (!succeeded(event)) return undefined;
    const groupName = need(event, "requestParameters.groupName", "whether the group is privileged");
    const pattern = settings.privilegedGroupPatterns.find((candidate) => candidate.test(groupName));
    if (!pattern) return undefined;
    const userName = need(event, "requestParameters.userName", `which IAM user joined the privileged group ${groupName}`);
    const account = eventAccount(event);
    return {
      resource: `arn:aws:iam::${account}:user/${userName}`,
      summary: `${principalArn(event)} added the IAM user ${userName} to the privileged group ${groupName}.`,
      details: { group: `arn:aws:iam::${account}:group/${groupName}`, matchedPattern: pattern.source },
    };
  },
});
