import { GetRoleCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { couldNotCheck, describeError, errorName } from "../awsError.ts";
import { type Check, check } from "../Check.ts";
import type { ClientFactory, Credentials } from "../clients.ts";
import { HOME_REGION } from "../homeRegion.ts";
import type { MemberAccount } from "./organizationFacts.ts";
import { sampleOf } from "./sampleAccounts.ts";
import { parseTrustPolicy, trustedPrincipals, trusts } from "./trustPolicy.ts";

export interface AuditRolesInput {
  accounts: readonly MemberAccount[] | undefined;
  auditRoleName: string;
  /** The Monitor stack's PostureRoleArn output; undefined when the stack has none or could not be read. */
  postureRoleArn: string | undefined;
  /** Whether the Monitor stack's outputs were read (so a missing PostureRoleArn is a finding, not a blind spot). */
  monitorOutputsRead: boolean;
  /** --member-role: a role the doctor may assume in member accounts to read IAM there. */
  memberRole: string | undefined;
  /** What assumes the member role: the management account's credentials when given (OrganizationAccountAccessRole trusts that account), else the caller's. */
  assumeWith: Credentials | undefined;
  /** Accounts whose IAM the doctor reads without a member role: the caller's own, the management account with its profile. */
  readDirectly: ReadonlyMap<string, Credentials | undefined>;
  sample: number;
  random: () => number;
  rerun: string;
}

/**
 * The audit role of a sample of member accounts exists and trusts the posture function's role.
 * Only that role may assume it, so a human's sts:AssumeRole proves nothing (AccessDenied looks the
 * same whether the role is missing or merely not trusting the human). What a human can honestly
 * do is read the role with IAM inside the account, through a role they may assume there
 * (--member-role); without one the check says it could not be made.
 */
export async function checkAuditRoles(client: ClientFactory, input: AuditRolesInput): Promise<Check[]> {
  const subject = `audit role ${input.auditRoleName}`;
  const postureRoleArn = input.postureRoleArn;
  if (!postureRoleArn) {
    return input.monitorOutputsRead
      ? [check("Organization", "problem", subject, "the Monitor stack has no PostureRoleArn output: it was deployed without organization mode", "add the organization block to the stage configuration and deploy the Monitor stack")]
      : [check("Organization", "unchecked", subject, "could not check: the Monitor stack's outputs are unavailable (see Stacks), so the posture role is unknown")];
  }
  if (!input.accounts) return [check("Organization", "unchecked", subject, "could not check: the organization's accounts could not be listed")];
  // The home account's posture run reads its own account with its own role, not through an audit role.
  const homeAccount = postureRoleArn.split(":")[4];
  const chosen = sampleOf(
    input.accounts.filter((account) => account.id !== homeAccount),
    input.sample,
    input.random,
  );
  if (chosen.length === 0) return [check("Organization", "warning", subject, "no member account to check")];
  if (!input.memberRole) {
    return [
      check(
        "Organization",
        "unchecked",
        subject,
        `could not check: only the posture role (${postureRoleArn}) may assume it, and your credentials cannot read IAM in the member accounts`,
        `to read it in ${chosen.length} sampled account${chosen.length === 1 ? "" : "s"}: ${input.rerun} --member-role <a role you may assume in member accounts, such as OrganizationAccountAccessRole>`,
      ),
    ];
  }
  const memberRole = input.memberRole;
  return Promise.all(chosen.map((account) => checkOne(client, account, { ...input, memberRole, postureRoleArn })));
}

async function checkOne(client: ClientFactory, account: MemberAccount, input: AuditRolesInput & { memberRole: string; postureRoleArn: string }): Promise<Check> {
  const subject = `audit role ${input.auditRoleName} in ${account.id}${account.name ? ` (${account.name})` : ""}`;
  const memberRoleArn = `arn:aws:iam::${account.id}:role/${input.memberRole}`;
  let credentials: Credentials | undefined;
  if (input.readDirectly.has(account.id)) {
    // No member role there to assume (OrganizationAccountAccessRole is made in member accounts only).
    credentials = input.readDirectly.get(account.id);
  } else {
    try {
      const { Credentials: keys } = await client("sts", HOME_REGION, input.assumeWith).send(new AssumeRoleCommand({ RoleArn: memberRoleArn, RoleSessionName: "vigil-doctor", DurationSeconds: 900 }));
      if (!keys?.AccessKeyId || !keys.SecretAccessKey) throw new Error("sts:AssumeRole answered no credentials");
      credentials = { accessKeyId: keys.AccessKeyId, secretAccessKey: keys.SecretAccessKey, ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}), ...(keys.Expiration ? { expiration: keys.Expiration } : {}) };
    } catch (error) {
      return check("Organization", "unchecked", subject, `could not check: sts:AssumeRole ${memberRoleArn}: ${describeError(error)}`, "pass --member-role a role you may assume in that account (with --management-profile, the management account assumes it)");
    }
  }
  try {
    const { Role } = await client("iam", HOME_REGION, credentials).send(new GetRoleCommand({ RoleName: input.auditRoleName }));
    const policy = parseTrustPolicy(Role?.AssumeRolePolicyDocument ?? "");
    if (!policy) return check("Organization", "problem", subject, "its trust policy cannot be read as a policy", "deploy the spoke to this account again");
    if (trusts(policy, input.postureRoleArn)) return check("Organization", "ok", subject, "exists and trusts the posture role");
    const principals = trustedPrincipals(policy);
    return check(
      "Organization",
      "problem",
      subject,
      `the posture role cannot assume it: its trust policy names ${principals.length ? principals.join(", ") : "no AWS principal"}, not ${input.postureRoleArn}`,
      "deploy the spoke to this account again with the current PostureRoleArn (a posture role re-created since leaves its old unique id in the trust policy)",
    );
  } catch (error) {
    if (errorName(error) === "NoSuchEntity" || errorName(error) === "NoSuchEntityException") {
      return check("Organization", "problem", subject, "absent: the posture run cannot read this account", "see this account's spoke instance above; deploy the spoke to it again");
    }
    const { detail, action } = couldNotCheck(`iam:GetRole as ${input.memberRole}`, error);
    return check("Organization", "unchecked", subject, detail, action);
  }
}
