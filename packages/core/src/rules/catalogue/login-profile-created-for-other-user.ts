import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need } from "../../event/needField.ts";
import { callerUserName, eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule, type RuleMatch } from "../Rule.ts";

export const loginProfileCreatedForOtherUser = defineRule({
  kind: "event",
  meta: {
    id: "login-profile-created-for-other-user",
    title: "Console password set for another IAM user",
    severity: "HIGH",
    description:
      "A principal created the console password of an IAM user other than itself. Whoever sets the password can sign in as that user, so this is a common way to take over an identity or give a programmatic-only user console access. Changing an existing password is login-profile-changed-for-other-user.",
    remediation:
      "Confirm with the user and the caller that the password was set on purpose (for example onboarding with a forced reset). If not, delete or reset the login profile, revoke the user's active sessions, and review what was done as that user and by the caller.",
    references: [ATTACK.accountManipulation, ATTACK.additionalCloudCredentials],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateLoginProfile"] }],
  evaluate(event) {
    return passwordSetForOtherUser(event, "created a console password");
  },
});

/** The match for a CreateLoginProfile / UpdateLoginProfile call on a user other than the caller, else undefined. */
export function passwordSetForOtherUser(event: CloudTrailEvent, verb: string): RuleMatch | undefined {
  if (!succeeded(event)) return undefined;
  // Without a user name the call acts on the caller, which only an IAM user can be: for anyone else a
  // record without it is a request CloudTrail did not show. A role session is another principal even
  // when its session name matches the user: callers choose session names, so it would be a free pass.
  const caller = callerUserName(event);
  const userName = requestString(event, "userName") ?? (caller ? undefined : need(event, "requestParameters.userName", "whose console password was set"));
  if (!userName || userName === caller) return undefined;
  const resetRequired = event.requestParameters?.passwordResetRequired;
  return {
    resource: `arn:aws:iam::${eventAccount(event)}:user/${userName}`,
    summary: `${principalArn(event)} ${verb} for the IAM user ${userName}.`,
    ...(typeof resetRequired === "boolean" ? { details: { passwordResetRequired: resetRequired } } : {}),
  };
}
