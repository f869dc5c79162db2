import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { passwordSetForOtherUser } from "./login-profile-created-for-other-user.ts";

export const loginProfileChangedForOtherUser = defineRule({
  kind: "event",
  meta: {
    id: "login-profile-changed-for-other-user",
    title: "Console password of another IAM user changed",
    severity: "HIGH",
    description:
      "A principal changed (reset) the console password of an IAM user other than itself (UpdateLoginProfile). The new password is known to the caller, who can now sign in as that user and lock the user out: an account takeover when it was not a helpdesk reset. A user changing their own password is not reported.",
    remediation:
      "Ask the user whether they requested the reset. If not, reset the password again with passwordResetRequired, revoke the user's sessions (an inline deny on aws:TokenIssueTime), check the user's MFA devices and access keys for additions, and review what was done as that user and by the caller.",
    // Sources: AWS IAM User Guide, "Managing passwords for IAM users"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html);
    // Stratus Red Team technique aws.persistence.iam-create-user-login-profile (the same takeover with CreateLoginProfile).
    references: [ATTACK.accountManipulation, ATTACK.additionalCloudCredentials, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["UpdateLoginProfile"] }],
  evaluate(event) {
    return passwordSetForOtherUser(event, "changed the console password");
  },
});
