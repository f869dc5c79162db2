import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { AccountAccessError, type AccountHandle, AuditRoleAccess, accountHandle, readOrganizationInventory } from "@vigil/aws-iam";
import { type EffectiveConfig, type OrganizationAccount, OrganizationDirectory, type OrganizationInventory } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { type PostureFindings, runPostureOnce } from "@vigil/monitor";
import { AccountReadError, callerAccount } from "./readLiveSnapshot.ts";

export interface OrganizationPostureOptions {
  region: string;
  roleName: string;
  concurrency: number;
  config: EffectiveConfig;
  now: Date;
  store?: PostureFindings;
}

export type AccountOutcome =
  | { account: OrganizationAccount; read: true; run: Awaited<ReturnType<typeof runPostureOnce>> }
  | { account: OrganizationAccount; read: false; reason: string; detail: string };

export interface OrganizationPosture {
  inventory: OrganizationInventory;
  caller: string;
  /** In the inventory's order. */
  outcomes: AccountOutcome[];
}

/**
 * `vigil posture --organization`: the organization's accounts from Organizations (the caller must be
 * the management account or a delegated administrator), then each ACTIVE one read and checked as
 * `vigil posture` checks one account, `concurrency` at a time: the caller's own account with its
 * credentials, the others through `roleName`, which must trust the caller. An account that cannot
 * be read is an outcome, never a failure of the others.
 *
 * @throws AccountReadError when the caller or the organization cannot be read.
 */
export async function readOrganizationPosture(options: OrganizationPostureOptions): Promise<OrganizationPosture> {
  const { region } = options;
  const sts = new STSClient({ region });
  const organizations = new OrganizationsClient({ region });
  const iam = new IAMClient({ region });
  const cloudTrail = new CloudTrailClient({ region });
  try {
    const caller = await callerAccount(sts);
    let inventory: OrganizationInventory;
    try {
      inventory = await readOrganizationInventory({ organizations, now: () => options.now });
    } catch (error) {
      throw new AccountReadError(`cannot list the organization's accounts (run as the management account or a delegated administrator): ${(error as Error).message}`, { cause: error });
    }
    const directory = new OrganizationDirectory(inventory);
    const access = new AuditRoleAccess({ sts, roleName: options.roleName, region });
    const outcomes = new Array<AccountOutcome>(inventory.accounts.length);
    let next = 0;
    const worker = async () => {
      while (next < inventory.accounts.length) {
        const index = next++;
        const account = inventory.accounts[index] as OrganizationAccount;
        outcomes[index] = await checkAccount(account, directory, caller, { iam, cloudTrail, access, ...options });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, inventory.accounts.length) }, worker));
    return { inventory, caller, outcomes };
  } finally {
    for (const client of [sts, organizations, iam, cloudTrail]) client.destroy();
  }
}

async function checkAccount(
  account: OrganizationAccount,
  directory: OrganizationDirectory,
  caller: string,
  context: OrganizationPostureOptions & { iam: IAMClient; cloudTrail: CloudTrailClient; access: AuditRoleAccess },
): Promise<AccountOutcome> {
  if (account.status !== "ACTIVE") return { account, read: false, reason: "not-active", detail: `the account is ${account.status}; only ACTIVE accounts are read` };
  let opened: AccountHandle | undefined;
  try {
    opened = account.id === caller ? accountHandle({ iam: context.iam, cloudTrail: context.cloudTrail }, { account: caller, region: context.region }) : await context.access.open(account.id);
    const placement = directory.placement(account.id);
    const run = await runPostureOnce({
      reader: opened,
      config: context.config,
      now: context.now,
      loadActions: loadActionIndex,
      ...(context.store ? { store: context.store } : {}),
      ...(placement ? { placement } : {}),
    });
    return { account, read: true, run };
  } catch (error) {
    if (error instanceof AccountAccessError) return { account, read: false, reason: error.reason, detail: error.message };
    throw error;
  } finally {
    if (account.id !== caller) opened?.close();
  }
}
