import { DescribeOrganizationCommand, paginateListAccounts } from "@aws-sdk/client-organizations";
import { couldNotCheck, errorName } from "../awsError.ts";
import { type Check, check } from "../Check.ts";
import type { ClientFactory } from "../clients.ts";
import type { DoctorConfig } from "../doctorConfig.ts";
import { HOME_REGION } from "../homeRegion.ts";

export interface MemberAccount {
  id: string;
  name: string;
}

export interface OrganizationFacts {
  checks: Check[];
  /** From Organizations, else the stage configuration; undefined when neither says. */
  managementAccountId: string | undefined;
  /** The ACTIVE accounts, sorted by id; undefined when they could not be listed. */
  accounts: MemberAccount[] | undefined;
}

/**
 * What Organizations says of the caller's organization, against what the stage configuration
 * says the deployment watches; then its ACTIVE accounts, the ones a spoke must cover.
 */
export async function readOrganizationFacts(client: ClientFactory, stage: string, config: DoctorConfig): Promise<OrganizationFacts> {
  const organizations = client("organizations", HOME_REGION);
  const configured = config.organization;
  const checks: Check[] = [];
  if (!configured) {
    checks.push(
      check("Organization", "problem", `${config.source}`, "has no organization block: the deployment watches only its own account", `add "organization": {"id": ..., "managementAccountId": ...} to config/${stage}.json and deploy`),
    );
  }
  let managementAccountId = configured?.managementAccountId;
  try {
    const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
    const id = Organization?.Id;
    const management = Organization?.MasterAccountId;
    managementAccountId = management ?? managementAccountId;
    const subject = `organization ${id}`;
    if (configured && configured.id !== id) {
      checks.push(check("Organization", "problem", subject, `the credentials are in ${id}, but ${config.source} names ${configured.id}`, "run vigil doctor from the security account of the organization the stage watches, or correct organization.id"));
    } else if (configured && configured.managementAccountId !== management) {
      checks.push(check("Organization", "problem", subject, `its management account is ${management}, but ${config.source} names ${configured.managementAccountId}`, "correct organization.managementAccountId and deploy"));
    } else if (configured) {
      checks.push(check("Organization", "ok", subject, `management account ${management}, as ${config.source} says`));
    }
  } catch (error) {
    if (errorName(error) === "AWSOrganizationsNotInUseException") {
      checks.push(check("Organization", "problem", "organization", "the credentials' account belongs to no organization", "run vigil doctor with credentials of the organization's security (delegated administrator) account"));
    } else {
      const { detail, action } = couldNotCheck("organizations:DescribeOrganization", error);
      checks.push(check("Organization", "unchecked", "organization", detail, action));
    }
  }
  let accounts: MemberAccount[] | undefined;
  try {
    accounts = [];
    for await (const page of paginateListAccounts({ client: organizations }, {})) {
      for (const account of page.Accounts ?? []) {
        // State replaces the deprecated Status; either may be the one an API version fills in.
        if (account.Id && (account.State ?? account.Status) === "ACTIVE") accounts.push({ id: account.Id, name: account.Name ?? "" });
      }
    }
    accounts.sort((a, b) => a.id.localeCompare(b.id));
  } catch (error) {
    accounts = undefined;
    const { detail, action } = couldNotCheck("organizations:ListAccounts", error);
    checks.push(check("Organization", "unchecked", "accounts of the organization", detail, action));
  }
  return { checks, managementAccountId, accounts };
}
