import { AWSOrganizationsNotInUseException, DescribeOrganizationCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, TooManyRequestsException } from "@aws-sdk/client-organizations";
import { AwsCallError, readOrganizationInventory } from "@vigil/aws-iam";
import { organizationInventorySchema } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { MANAGEMENT_ACCOUNT_ID, mockOrganizations, ORGANIZATION_ID, ouPathOf, simulatedOrganization } from "../../../helpers/organization.ts";

const now = () => new Date("2026-12-05T06:00:00Z");
const noWait = async () => {};

describe("readOrganizationInventory", () => {
  it("places every account of the organization under its OU path, with a few calls per OU and none per account", async () => {
    const organization = simulatedOrganization(300);
    organization.accounts[5]!.state = "SUSPENDED";
    const { client, mock } = mockOrganizations(organization);
    const calls: Record<string, number> = {};
    const inventory = await readOrganizationInventory({ organizations: client, now, sleep: noWait, calls });

    expect(organizationInventorySchema.parse(inventory)).toEqual(inventory);
    expect(inventory.organizationId).toBe(ORGANIZATION_ID);
    expect(inventory.managementAccountId).toBe(MANAGEMENT_ACCOUNT_ID);
    expect(inventory.refreshedAt).toBe("2026-12-05T06:00:00.000Z");
    expect(inventory.accounts).toHaveLength(300);
    for (const account of organization.accounts) {
      expect(inventory.accounts.find((found) => found.id === account.id)).toEqual({ id: account.id, name: account.name, status: account.state, ouPath: ouPathOf(organization, account.id) });
    }
    expect(inventory.accounts.find((account) => account.id === organization.accounts[5]!.id)?.status).toBe("SUSPENDED");
    expect(inventory.organizationalUnits.find((unit) => unit.id === "ou-ab12-prod0001")).toEqual({ id: "ou-ab12-prod0001", name: "Prod", parentId: "ou-ab12-workload" });
    // 5 parents (root and 4 OUs), their OU lists on one page each, their ~75 accounts on 4 pages each.
    const accountPages = mock.commandCalls(ListAccountsForParentCommand).length;
    expect(accountPages).toBeLessThan(30);
    expect(calls["organizations:ListOrganizationalUnitsForParent"]).toBe(5);
    expect(calls["organizations:ListAccountsForParent"]).toBe(accountPages);
  });

  it("waits out Organizations' throttling instead of giving up on the inventory", async () => {
    const { client, mock } = mockOrganizations(simulatedOrganization(30));
    const throttle = new TooManyRequestsException({ message: "AWS Organizations can't complete your request because another request is already in progress.", $metadata: {} });
    mock.on(ListOrganizationalUnitsForParentCommand, { ParentId: "r-ab12" }).rejectsOnce(throttle).callsFake(() => ({
      OrganizationalUnits: [{ Id: "ou-ab12-securit1", Name: "Security", Arn: "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-securit1" }],
    }));
    const waits: number[] = [];
    const inventory = await readOrganizationInventory({ organizations: client, now, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([1000]);
    expect(inventory.organizationalUnits.map((unit) => unit.id)).toContain("ou-ab12-securit1");
  });

  it("fails naming the call when the account may not read the organization, rather than returning part of it", async () => {
    const { client, mock } = mockOrganizations(simulatedOrganization(30));
    const denied = Object.assign(new Error("You don't have permissions to access this resource."), { name: "AccessDeniedException" });
    mock.on(ListAccountsForParentCommand, { ParentId: "ou-ab12-sandbox1" }).rejects(denied);
    const failure = readOrganizationInventory({ organizations: client, now, sleep: noWait });
    await expect(failure).rejects.toThrow(AwsCallError);
    await expect(failure).rejects.toThrow(/organizations:ListAccountsForParent: AccessDeniedException/);
  });

  it("says so when the account is not in an organization", async () => {
    const { client, mock } = mockOrganizations(simulatedOrganization(3));
    mock.on(DescribeOrganizationCommand).rejects(new AWSOrganizationsNotInUseException({ message: "Your account is not a member of an organization.", $metadata: {} }));
    await expect(readOrganizationInventory({ organizations: client, now, sleep: noWait })).rejects.toThrow(/DescribeOrganization: AWSOrganizationsNotInUseException/);
  });
});
