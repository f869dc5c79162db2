import type { SecurityHubClient } from "@aws-sdk/client-securityhub";

/**
 * The Security Hub client that acts as an account. BatchImportFindings into an account's default
 * product must be called by that account, so every account's findings go through its own client.
 */
export interface SecurityHubClients {
  /**
   * @param calls counts the calls made to reach the account (`sts:AssumeRole`), when there are any.
   * @throws SecurityHubAccessError when the account cannot be reached; its findings fail, the others go on.
   */
  clientFor(account: string, calls?: Record<string, number>): Promise<SecurityHubClient>;
}
