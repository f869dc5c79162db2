import * as z from "zod";

/**
 * The accounts of an AWS Organization as Vigil knows them: read from Organizations by the posture
 * run and on membership events, kept in the state table, and looked up per event (never a call to
 * Organizations per event). Findings take an account's name and OU path from it; the trust rules
 * take the organization as their zone of trust.
 */

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
/** `o-` followed by 10 to 32 lower-case letters or digits (Organizations' Organization.Id pattern). */
export const organizationIdSchema = z.string().regex(/^o-[a-z0-9]{10,32}$/, "must be an organization id such as o-a1b2c3d4e5");
/** A root (`r-` and 4 to 32 characters) or an OU (`ou-<root part>-<8 to 32 characters>`), as Organizations writes them. */
export const organizationalUnitIdSchema = z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "must be a root id (r-...) or an OU id (ou-...)");

export const organizationAccountSchema = z.strictObject({
  id: accountId,
  name: z.string(),
  /** Organizations' Account.Status: ACTIVE, SUSPENDED or PENDING_CLOSURE (only ACTIVE accounts are checked). */
  status: z.string().min(1),
  /**
   * Where the account sits, in the form of `aws:PrincipalOrgPaths`: the organization, the root and
   * each OU down to the account's parent, each followed by `/` (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`).
   */
  ouPath: z.string().regex(/^o-[a-z0-9]+\/r-[0-9a-z]+\/(ou-[0-9a-z]+-[a-z0-9]+\/)*$/, "must be an organization path such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"),
});
export type OrganizationAccount = z.infer<typeof organizationAccountSchema>;

export const organizationalUnitSchema = z.strictObject({
  id: organizationalUnitIdSchema,
  name: z.string(),
  /** Absent for the root. */
  parentId: organizationalUnitIdSchema.optional(),
});
export type OrganizationalUnit = z.infer<typeof organizationalUnitSchema>;

export const organizationInventorySchema = z.strictObject({
  organizationId: organizationIdSchema,
  managementAccountId: accountId,
  /** When Organizations was read (ISO instant). */
  refreshedAt: z.iso.datetime(),
  /** The root and every OU, so that a path can be shown with names. */
  organizationalUnits: z.array(organizationalUnitSchema),
  accounts: z.array(organizationAccountSchema),
});
export type OrganizationInventory = z.infer<typeof organizationInventorySchema>;

/** What a finding says about its account when the organization knows it. */
export interface AccountPlacement {
  accountName: string;
  ouPath: string;
}

/** Looks accounts up by id; built once per inventory, not per event. */
export class OrganizationDirectory {
  readonly inventory: OrganizationInventory;
  readonly #accounts: ReadonlyMap<string, OrganizationAccount>;

  constructor(inventory: OrganizationInventory) {
    this.inventory = inventory;
    this.#accounts = new Map(inventory.accounts.map((account) => [account.id, account]));
  }

  get organizationId(): string {
    return this.inventory.organizationId;
  }

  /** True for every account of the organization, whatever its status (a suspended account is still ours). */
  has(accountId: string): boolean {
    return this.#accounts.has(accountId);
  }

  account(accountId: string): OrganizationAccount | undefined {
    return this.#accounts.get(accountId);
  }

  placement(accountId: string): AccountPlacement | undefined {
    const account = this.#accounts.get(accountId);
    return account ? { accountName: account.name, ouPath: account.ouPath } : undefined;
  }
}
