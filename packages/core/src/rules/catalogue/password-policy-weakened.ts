import * as z from "zod";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, principalArn, succeeded } from "../../event/principal.ts";
import { CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * UpdateAccountPasswordPolicy replaces the whole policy: a setting left out of the request reverts
 * to AWS's default, which for these two is a minimum length of 6 and no reuse prevention.
 */
const AWS_DEFAULT_MINIMUM_LENGTH = 6;
const AWS_DEFAULT_REUSE_PREVENTION = 0;

function requestNumber(event: CloudTrailEvent, key: string): number | undefined {
  const value = event.requestParameters?.[key];
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : undefined;
}

export const passwordPolicyWeakened = defineRule({
  kind: "event",
  meta: {
    id: "password-policy-weakened",
    title: "Account password policy below CIS",
    severity: "MEDIUM",
    description:
      "The account password policy was deleted, or set with a minimum length below 14 or remembering fewer than 24 previous passwords (CIS 1.8 and 1.9). Settings left out of an update revert to AWS's defaults: a minimum length of 6 and no reuse prevention. The thresholds are the `minimumLength` and `reusePrevention` parameters.",
    remediation:
      "Set the password policy again with a minimum length of at least 14 and password reuse prevention of 24, for example with `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24` plus the other settings you require. Ask who changed it and why.",
    references: [CIS.passwordLength, CIS.passwordReuse],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy"] }],
  params: z.strictObject({
    minimumLength: z.number().int().min(6).max(128).default(14),
    reusePrevention: z.number().int().min(1).max(24).default(24),
  }),
  evaluate(event, { params }) {
    if (!succeeded(event)) return undefined;
    // The password policy has no ARN of its own; it belongs to the account.
    const resource = `arn:aws:iam::${eventAccount(event)}:root`;
    if (event.eventName === "DeleteAccountPasswordPolicy") {
      return {
        resource,
        summary: `${principalArn(event)} deleted the account password policy: IAM user passwords no longer need ${params.minimumLength} characters and may be reused.`,
        details: { deleted: true },
      };
    }

    const length = requestNumber(event, "minimumPasswordLength") ?? AWS_DEFAULT_MINIMUM_LENGTH;
    const reuse = requestNumber(event, "passwordReusePrevention") ?? AWS_DEFAULT_REUSE_PREVENTION;
    const below: string[] = [];
    if (length < params.minimumLength) below.push(`minimum password length ${length} is below ${params.minimumLength}`);
    if (reuse < params.reusePrevention) {
      below.push(
        reuse > 0
          ? `password reuse prevention ${reuse} is below ${params.reusePrevention}`
          : `password reuse is not prevented (required: the last ${params.reusePrevention})`,
      );
    }
    if (below.length === 0) return undefined;
    return {
      resource,
      summary: `${principalArn(event)} set a weak account password policy: ${below.join(", and ")}.`,
      details: { minimumPasswordLength: length, passwordReusePrevention: reuse },
    };
  },
});
