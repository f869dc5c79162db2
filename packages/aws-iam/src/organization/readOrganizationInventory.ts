import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { type OrganizationAccount, type OrganizationalUnit, type OrganizationInventory, organizationInventorySchema } from "@vigil/core";
import { AwsCallError, awsCall, type CallContext, defaultSleep, mapLimit } from "../posture/awsCall.ts";

export interface ReadOrganizationInventoryOptions {
  organizations: OrganizationsClient;
  /** Stamps `refreshedAt`. */
  now: () => Date;
  /** Waits between throttled attempts; the timer when absent (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** Counts the calls, by `organizations:Operation`, when given. */
  calls?: Record<string, number>;
}

/**
 * Parents listed at once. Organizations allows few requests per second per account, shared by
 * every caller of the organization's APIs, so the walk keeps a small footprint.
 */
const PARENTS_AT_ONCE = 4;

/**
 * The organization's accounts and OUs, read top-down: DescribeOrganization, ListRoots, then for each
 * parent its OUs and its accounts. That is two paged calls per OU whatever the number of accounts
 * (ListParents per account would be one per account, and an organization has far more accounts
 * than OUs). Each account's ouPath is the path of the parent it was listed under, in the form of
 * `aws:PrincipalOrgPaths`. Needs the management account or a delegated administrator's credentials.
 *
 * @throws AwsCallError naming the call that failed; a partial inventory is never returned, since
 * an account missing from it would read as outside the organization.
 */
export async function readOrganizationInventory(options: ReadOrganizationInventoryOptions): Promise<OrganizationInventory> {
  const { organizations } = options;
  const context: CallContext = { calls: options.calls ?? {}, sleep: options.sleep ?? defaultSleep };
  const described = await awsCall(context, "organizations:DescribeOrganization", () => organizations.send(new DescribeOrganizationCommand({})));
  const organizationId = described.Organization?.Id;
  const managementAccountId = described.Organization?.MasterAccountId;
  if (!organizationId || !managementAccountId) {
    throw new AwsCallError("organizations:DescribeOrganization", `the answer has no Organization.Id or MasterAccountId: ${JSON.stringify(described.Organization ?? null)}`);
  }

  const roots = await pages(context, "organizations:ListRoots", (NextToken) => organizations.send(new ListRootsCommand({ NextToken })), (page) => page.Roots);
  const units: OrganizationalUnit[] = [];
  const accounts: OrganizationAccount[] = [];
  let level = roots.map((root) => {
    const id = required(root.Id, "organizations:ListRoots", "Id");
    units.push({ id, name: root.Name ?? id });
    return { id, path: `${organizationId}/${id}/` };
  });
  // Breadth first: each level's parents are listed together, their child OUs make the next level.
  while (level.length > 0) {
    const children = await mapLimit(level, PARENTS_AT_ONCE, async (parent) => {
      const [childUnits, childAccounts] = [
        await pages(
          context,
          "organizations:ListOrganizationalUnitsForParent",
          (NextToken) => organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, NextToken })),
          (page) => page.OrganizationalUnits,
        ),
        await pages(
          context,
          "organizations:ListAccountsForParent",
          (NextToken) => organizations.send(new ListAccountsForParentCommand({ ParentId: parent.id, NextToken })),
          (page) => page.Accounts,
        ),
      ];
      for (const account of childAccounts) accounts.push(accountOf(account, parent.path));
      return childUnits.map((unit) => {
        const id = required(unit.Id, "organizations:ListOrganizationalUnitsForParent", "Id");
        units.push({ id, name: unit.Name ?? id, parentId: parent.id });
        return { id, path: `${parent.path}${id}/` };
      });
    });
    level = children.flat();
  }

  accounts.sort((a, b) => a.id.localeCompare(b.id));
  units.sort((a, b) => a.id.localeCompare(b.id));
  const parsed = organizationInventorySchema.safeParse({ organizationId, managementAccountId, refreshedAt: options.now().toISOString(), organizationalUnits: units, accounts });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AwsCallError("organizations:ListAccountsForParent", `the organization's answer is not as documented: ${(issue?.path ?? []).join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

function accountOf(account: Account, ouPath: string): OrganizationAccount {
  const id = required(account.Id, "organizations:ListAccountsForParent", "Id");
  // Status is deprecated in favour of State (adds PENDING_ACTIVATION and CLOSED); either says whether the account can be read.
  const status = account.State ?? account.Status ?? "UNKNOWN";
  return { id, name: account.Name ?? id, status, ouPath };
}

function required(value: string | undefined, operation: string, field: string): string {
  if (!value) throw new AwsCallError(operation, `an entry without ${field}`);
  return value;
}

/** Follows Organizations' NextToken pagination (a page may be empty with a token: AWS says to go on until there is none). */
async function pages<P extends { NextToken?: string | undefined }, I>(
  context: CallContext,
  operation: string,
  fetch: (token: string | undefined) => Promise<P>,
  items: (page: P) => I[] | undefined,
): Promise<I[]> {
  const all: I[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(context, operation, () => fetch(token));
    all.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
