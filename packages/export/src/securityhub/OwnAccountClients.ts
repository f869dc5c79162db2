import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { SecurityHubAccessError } from "../errors.ts";
import type { SecurityHubClients } from "./SecurityHubClients.ts";

/** A single-account deployment: one client, which imports only its own account's findings. */
export class OwnAccountClients implements SecurityHubClients {
  readonly #account: string;
  readonly #client: SecurityHubClient;

  constructor(options: { account: string; client: SecurityHubClient }) {
    this.#account = options.account;
    this.#client = options.client;
  }

  /** @throws SecurityHubAccessError for another account's findings. */
  async clientFor(account: string): Promise<SecurityHubClient> {
    if (account === this.#account) return this.#client;
    throw new SecurityHubAccessError(
      account,
      "other-account",
      `only account ${this.#account} is imported into Security Hub by this single-account deployment; the default product of account ${account} takes findings from account ${account} alone (organization mode imports each member's findings through its role)`,
    );
  }
}
