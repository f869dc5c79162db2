import * as z from "zod";
import { CIS } from "../../rules/references.ts";
import { definePostureCheck } from "../PostureCheck.ts";

/**
 * A setting GetAccountPasswordPolicy leaves out has AWS's default: no reuse prevention and, should the
 * length ever be missing, the 6 characters UpdateAccountPasswordPolicy sets when not given one.
 */
const DEFAULT_MINIMUM_LENGTH = 6;

export const passwordPolicyWeak = definePostureCheck({
  meta: {
    id: "password-policy-weak",
    title: "Account password policy below CIS",
    severity: "MEDIUM",
    description:
      "The account has no password policy, or its policy asks for fewer than 14 characters or remembers fewer than 24 previous passwords (CIS 1.8 and 1.9). Without a policy AWS's default applies: 8 characters and no reuse prevention. The thresholds are the `minimumLength` and `reusePrevention` parameters.",
    remediation:
      "Set a password policy with a minimum length of at least 14 and password reuse prevention of 24, for example `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24` plus the other settings you require.",
    references: [CIS.passwordLength, CIS.passwordReuse],
  },
  needs: ["passwordPolicy"],
  params: z.strictObject({
    minimumLength: z.number().int().min(6).max(128).default(14),
    reusePrevention: z.number().int().min(1).max(24).default(24),
  }),
  evaluate({ passwordPolicy }, { params, accountArn }) {
    const finding = (summary: string, details: Record<string, unknown>) => [{ principal: accountArn, resource: accountArn, key: accountArn, summary, details }];
    if (passwordPolicy === null) {
      return finding(
        `The account has no password policy: IAM user passwords need only AWS's default 8 characters (required: ${params.minimumLength}) and may be reused.`,
        { passwordPolicy: null },
      );
    }
    const length = passwordPolicy.MinimumPasswordLength ?? DEFAULT_MINIMUM_LENGTH;
    const reuse = passwordPolicy.PasswordReusePrevention ?? 0;
    const below: string[] = [];
    if (length < params.minimumLength) below.push(`its minimum password length ${length} is below ${params.minimumLength}`);
    if (reuse < params.reusePrevention) {
      below.push(
        reuse > 0
          ? `it prevents reuse of the last ${reuse} passwords, below ${params.reusePrevention}`
          : `it does not prevent password reuse (required: the last ${params.reusePrevention})`,
      );
    }
    if (below.length === 0) return [];
    return finding(`The account password policy is below CIS: ${below.join(", and ")}.`, {
      minimumPasswordLength: passwordPolicy.MinimumPasswordLength ?? null,
      passwordReusePrevention: passwordPolicy.PasswordReusePrevention ?? null,
    });
  },
});
