import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type OrganizationalUnit,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";

/**
 * A simulated AWS Organization, answered by aws-sdk-client-mock as Organizations answers (shapes of
 * the API reference: DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent,
 * ListAccountsForParent, NextToken paging at the documented page sizes).
 */
export const ORGANIZATION_ID = "o-a1b2c3d4e5";
export const MANAGEMENT_ACCOUNT_ID = "111111111111";
export const ROOT_ID = "r-ab12";

export interface SimulatedAccount {
  id: string;
  name: string;
  /** Organizations' Account.State (Status is the deprecated field carrying the same for ACTIVE and SUSPENDED). */
  state: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";
  parentId: string;
}

export interface SimulatedOrganization {
  ous: { id: string; name: string; parentId: string }[];
  accounts: SimulatedAccount[];
}

/** The three OUs most landing zones have (Security, Workloads with Prod under it, Sandbox) and `count` accounts spread over them; the management account sits in the root. */
export function simulatedOrganization(count: number): SimulatedOrganization {
  const ous = [
    { id: "ou-ab12-securit1", name: "Security", parentId: ROOT_ID },
    { id: "ou-ab12-workload", name: "Workloads", parentId: ROOT_ID },
    { id: "ou-ab12-prod0001", name: "Prod", parentId: "ou-ab12-workload" },
    { id: "ou-ab12-sandbox1", name: "Sandbox", parentId: ROOT_ID },
  ];
  const accounts: SimulatedAccount[] = [{ id: MANAGEMENT_ACCOUNT_ID, name: "management", state: "ACTIVE", parentId: ROOT_ID }];
  for (let index = 0; index < count - 1; index++) {
    accounts.push({ id: String(200000000000 + index), name: `workload-${index}`, state: "ACTIVE", parentId: ous[index % ous.length]!.id });
  }
  return { ous, accounts };
}

/** The ouPath readOrganizationInventory gives an account of the simulated organization. */
export function ouPathOf(organization: SimulatedOrganization, accountId: string): string {
  const parents: string[] = [];
  let parent = organization.accounts.find((account) => account.id === accountId)?.parentId;
  while (parent && parent !== ROOT_ID) {
    parents.unshift(parent);
    parent = organization.ous.find((ou) => ou.id === parent)?.parentId;
  }
  return `${ORGANIZATION_ID}/${ROOT_ID}/${parents.map((id) => `${id}/`).join("")}`;
}

/** Organizations' page sizes: 20 accounts and 20 OUs a page unless MaxResults says otherwise. */
const PAGE_SIZE = 20;

function page<T>(items: T[], token: string | undefined): { items: T[]; NextToken?: string } {
  const start = token ? Number(token.split("-")[1]) : 0;
  const items_ = items.slice(start, start + PAGE_SIZE);
  return start + PAGE_SIZE < items.length ? { items: items_, NextToken: `page-${start + PAGE_SIZE}` } : { items: items_ };
}

function accountOf(account: SimulatedAccount): Account {
  return {
    Id: account.id,
    Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:account/${ORGANIZATION_ID}/${account.id}`,
    Email: `aws+${account.name}@example.com`,
    Name: account.name,
    // Status knows only ACTIVE, SUSPENDED and PENDING_CLOSURE; a closed account shows SUSPENDED there.
    Status: account.state === "CLOSED" ? "SUSPENDED" : account.state,
    State: account.state,
    JoinedMethod: account.id === MANAGEMENT_ACCOUNT_ID ? "INVITED" : "CREATED",
    JoinedTimestamp: new Date("2025-01-15T10:00:00Z"),
  };
}

/** An Organizations client of the management (or delegated administrator) account answering for `organization`, which may change between calls. */
export function mockOrganizations(organization: SimulatedOrganization, client = new OrganizationsClient({ region: "us-east-1" })) {
  const mock = mockClient(client);
  mock.on(DescribeOrganizationCommand).callsFake(() => ({
    Organization: {
      Id: ORGANIZATION_ID,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:organization/${ORGANIZATION_ID}`,
      FeatureSet: "ALL",
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:account/${ORGANIZATION_ID}/${MANAGEMENT_ACCOUNT_ID}`,
      MasterAccountId: MANAGEMENT_ACCOUNT_ID,
      MasterAccountEmail: "aws+management@example.com",
    },
  }));
  mock.on(ListRootsCommand).callsFake(() => ({
    Roots: [{ Id: ROOT_ID, Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:root/${ORGANIZATION_ID}/${ROOT_ID}`, Name: "Root", PolicyTypes: [] }],
  }));
  mock.on(ListOrganizationalUnitsForParentCommand).callsFake((input: { ParentId: string; NextToken?: string }) => {
    const children: OrganizationalUnit[] = organization.ous
      .filter((ou) => ou.parentId === input.ParentId)
      .map((ou) => ({ Id: ou.id, Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:ou/${ORGANIZATION_ID}/${ou.id}`, Name: ou.name }));
    const { items, NextToken } = page(children, input.NextToken);
    return { OrganizationalUnits: items, ...(NextToken ? { NextToken } : {}) };
  });
  mock.on(ListAccountsForParentCommand).callsFake((input: { ParentId: string; NextToken?: string }) => {
    const { items, NextToken } = page(organization.accounts.filter((account) => account.parentId === input.ParentId).map(accountOf), input.NextToken);
    return { Accounts: items, ...(NextToken ? { NextToken } : {}) };
  });
  return { client, mock };
}
