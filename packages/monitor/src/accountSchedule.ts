import type { OrganizationAccount } from "@vigil/core";

/**
 * The accounts in the order a run starts them: never read first (new to the organization), then
 * the longest since their read last started, so the accounts a run did not reach before its
 * deadline are the first of the next. Ties keep the inventory's order.
 */
export function accountsInReadOrder(accounts: readonly OrganizationAccount[], lastStartedAt: Readonly<Record<string, string>>): OrganizationAccount[] {
  const rank = (account: OrganizationAccount) => lastStartedAt[account.id] ?? "";
  return accounts
    .map((account, index) => ({ account, index }))
    .sort((a, b) => rank(a.account).localeCompare(rank(b.account)) || a.index - b.index)
    .map(({ account }) => account);
}

/**
 * Runs `work` over the items with at most `concurrency` at once, in order, starting none once
 * `mayStart` says no (the run is near its deadline); those in flight finish. Returns the items
 * never started. `work` handles its own failures: one item never stops the others.
 */
export async function runUntilDeadline<T>(items: readonly T[], concurrency: number, mayStart: () => boolean, work: (item: T) => Promise<void>): Promise<T[]> {
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (next < items.length && !stopped) {
      if (!mayStart()) {
        stopped = true;
        break;
      }
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return items.slice(next);
}
