import { AccountAccessError, type AccountAccessReason, type SnapshotProblem } from "@vigil/aws-iam";
import { type ActionIndex, type AnyPostureCheck, type EffectiveConfig, type Finding, type OrganizationAccount, OrganizationDirectory, type RemediationAction } from "@vigil/core";
import { formatOrganizationDigest, type OrganizationDigest } from "@vigil/notify";
import type { PostureSyncResult } from "@vigil/store-dynamodb";
import { accountsInReadOrder, runUntilDeadline } from "./accountSchedule.ts";
import { type DigestOutcome, settleDigestCoverage } from "./digestCoverage.ts";
import type { OrganizationSettings } from "./organizationSettings.ts";
import type { AccountReadLog, MemberAccountAccess, OpenedAccount } from "./organizationPorts.ts";
import type { InventoryCache, NotificationOutbox, OrganizationSource, PostureFindings } from "./ports.ts";
import { refreshInventory } from "./refreshInventory.ts";
import { remediateOldKeys } from "./remediateOldKeys.ts";
import type { RemediationSettings } from "./remediationSettings.ts";
import { runPostureOnce } from "./runPostureOnce.ts";
import type { DeliveryReport, SnsDelivery } from "./SnsDelivery.ts";

/** What publishes the organization's digest to the alerts topic (SnsOrganizationDigestPublisher). */
export interface OrganizationDigestPublisher {
  publishOrganizationDigest(digest: OrganizationDigest): Promise<string>;
}

export interface OrganizationPostureRunnerOptions {
  organization: OrganizationSettings;
  /** Organizations, read at the start of every run. */
  source: OrganizationSource;
  /** Where the inventory is kept for the event path, and read from when Organizations cannot be. */
  inventoryCache: InventoryCache;
  readLog: AccountReadLog;
  /** Every other account, through its audit role. */
  members: MemberAccountAccess;
  region: string;
  store: PostureFindings;
  outbox: NotificationOutbox;
  /** Publishes the CRITICAL new findings one by one, through the outbox. */
  delivery: SnsDelivery;
  digests: OrganizationDigestPublisher;
  config: EffectiveConfig;
  /** Off when absent; on, each account's keys are changed through its own IAM client. */
  remediation?: RemediationSettings;
  loadActions?: () => ActionIndex;
  checks?: readonly AnyPostureCheck[];
  now: () => Date;
  /** No account starts with less time than this left (an account's read, the credential report's wait included, then the digest); 3 minutes by default. */
  reserveMs?: number;
}

export interface OrganizationRunRequest {
  /** Identifies this run (the Lambda request id) for the notification leases. */
  owner: string;
  /** The account Vigil runs in, read with the run's own credentials, not through an audit role. */
  home: { account: string; opened: OpenedAccount };
  /** Time left to the run (the Lambda context's getRemainingTimeInMillis); no deadline when absent. */
  remainingMs?: () => number;
}

/** Why an account was not read: its access failed, it is not ACTIVE, or the run ran out of time before it. */
export type NotReadReason = AccountAccessReason | "not-active" | "out-of-time";

export interface AccountNotRead {
  account: string;
  accountName?: string;
  reason: NotReadReason;
  /** In words, for the digest: what happened and what to do. */
  detail: string;
}

export interface AccountRunReport {
  account: string;
  accountName?: string;
  ouPath?: string;
  calls: Record<string, number>;
  problems: SnapshotProblem[];
  skipped: { checkId: string; reason: string }[];
  checksRun: string[];
  created: Finding[];
  seenAgain: string[];
  stillOpen: Finding[];
  resolved: Finding[];
  reopened: Finding[];
  remediation?: { dryRun: boolean; actions: RemediationAction[] };
  /** The remediation failed as a whole (its store write); the findings stand. */
  remediationError?: string;
  notifications: DeliveryReport;
}

export interface OrganizationRunReport {
  organizationId: string;
  region: string;
  runAt: string;
  inventory: { source: "organizations" | "cache"; refreshedAt: string; error?: string };
  /** The accounts read, in the order they were started. */
  accounts: AccountRunReport[];
  notRead: AccountNotRead[];
  /** What went wrong beside the accounts: the inventory or the read log could not be saved. */
  warnings: string[];
  digest: DigestOutcome;
}

const DEFAULT_RESERVE_MS = 180_000;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One scheduled posture run over every account of the organization, in the function (no fan-out):
 * refresh the inventory, then read the ACTIVE accounts `postureConcurrency` at a time, each as the
 * single-account run does (runPostureOnce, its CRITICAL findings published alone, remediation
 * through its own IAM), and publish one digest for them all.
 *
 * An account that cannot be read is reported and changes nothing: its findings are synced only
 * when it was read, so none of them is resolved for not being seen. Near the deadline no account
 * starts; those left are reported as not read and start the next run (the read log orders them).
 * The new non-CRITICAL findings are left to the digest; if it is not published they are released
 * for the retry sweep.
 */
export class OrganizationPostureRunner {
  readonly #options: OrganizationPostureRunnerOptions;

  constructor(options: OrganizationPostureRunnerOptions) {
    this.#options = options;
  }

  /** @throws OrganizationUnreadableError when neither Organizations nor the cache lists the accounts. */
  async run(request: OrganizationRunRequest): Promise<OrganizationRunReport> {
    const { organization, region, readLog, digests, outbox } = this.#options;
    const { home } = request;
    const now = this.#options.now();
    const runAt = now.toISOString();
    const warnings: string[] = [];

    const refreshed = await refreshInventory(this.#options.source, this.#options.inventoryCache, organization.id);
    if (refreshed.saveError) warnings.push(`the inventory read from Organizations could not be cached: ${refreshed.saveError}`);
    const { inventory } = refreshed;
    const directory = new OrganizationDirectory(inventory);

    const notRead: AccountNotRead[] = [];
    const active: OrganizationAccount[] = [];
    for (const account of inventory.accounts) {
      if (account.status === "ACTIVE") active.push(account);
      else notRead.push({ account: account.id, accountName: account.name, reason: "not-active", detail: `the account is ${account.status}; only ACTIVE accounts are read` });
    }
    // Vigil's own account is read even if the inventory does not list it (it left, or was never in).
    if (!directory.has(home.account)) active.push({ id: home.account, name: "", status: "ACTIVE", ouPath: `${inventory.organizationId}/` });

    let lastStartedAt: Record<string, string> = {};
    try {
      lastStartedAt = await readLog.load();
    } catch (error) {
      warnings.push(`the read log could not be loaded, so accounts are read in the inventory's order: ${messageOf(error)}`);
    }
    const ordered = accountsInReadOrder(active, lastStartedAt);
    const reserveMs = this.#options.reserveMs ?? DEFAULT_RESERVE_MS;
    const remaining = request.remainingMs;
    const mayStart = () => remaining === undefined || remaining() > reserveMs;

    const read: AccountRunReport[] = [];
    const startedAt: Record<string, string> = {};
    const leftOver = await runUntilDeadline(ordered, organization.postureConcurrency, mayStart, async (account) => {
      startedAt[account.id] = this.#options.now().toISOString();
      const outcome = await this.#runAccount(account, directory, request, now);
      if ("reason" in outcome) notRead.push(outcome);
      else read.push(outcome);
    });
    for (const account of leftOver) {
      notRead.push({ account: account.id, ...nameOf(account), reason: "out-of-time", detail: "the run ran out of time before it; the next run starts with it" });
    }
    try {
      await readLog.record(startedAt);
    } catch (error) {
      warnings.push(`the read log could not be saved, so the next run may not start with the accounts this one did not reach: ${messageOf(error)}`);
    }

    const digest = formatOrganizationDigest({
      organizationId: inventory.organizationId,
      region,
      runAt,
      inventory: { source: refreshed.source, refreshedAt: inventory.refreshedAt, ...(refreshed.error ? { error: refreshed.error } : {}) },
      accounts: read,
      notRead,
    });
    let outcome: DigestOutcome;
    try {
      outcome = { published: true, messageId: await digests.publishOrganizationDigest(digest) };
    } catch (error) {
      outcome = { published: false, error };
    }
    const covered = read.flatMap((account) => account.created.filter((finding) => finding.severity !== "CRITICAL"));
    await settleDigestCoverage(outbox, covered, request.owner, outcome);

    return {
      organizationId: inventory.organizationId,
      region,
      runAt,
      inventory: { source: refreshed.source, refreshedAt: inventory.refreshedAt, ...(refreshed.error ? { error: refreshed.error } : {}) },
      accounts: read,
      notRead,
      warnings,
      digest: outcome,
    };
  }

  /** One account: read, checked and synced, its CRITICAL findings published, its keys remediated; or why not. */
  async #runAccount(account: OrganizationAccount, directory: OrganizationDirectory, request: OrganizationRunRequest, now: Date): Promise<AccountRunReport | AccountNotRead> {
    const { members, store, config, delivery } = this.#options;
    const { home, owner } = request;
    const placement = directory.placement(account.id);
    let opened: OpenedAccount | undefined;
    let once;
    try {
      opened = account.id === home.account ? home.opened : await members.open(account.id);
      once = await runPostureOnce({
        reader: opened,
        store,
        config,
        now,
        claimFor: { owner, leaseMs: delivery.leaseMs },
        ...(placement ? { placement } : {}),
        ...(this.#options.loadActions ? { loadActions: this.#options.loadActions } : {}),
        ...(this.#options.checks ? { checks: this.#options.checks } : {}),
      });
    } catch (error) {
      if (opened !== home.opened) opened?.close();
      const reason = error instanceof AccountAccessError ? error.reason : "failed";
      return { account: account.id, ...nameOf(account), reason, detail: error instanceof AccountAccessError ? error.message : `account ${account.id}: ${messageOf(error)}` };
    }
    try {
      const sync = once.sync as PostureSyncResult;
      const critical = sync.created.filter((finding) => finding.severity === "CRITICAL");
      const notifications = await delivery.deliverClaimed(critical, owner);
      const report: AccountRunReport = {
        account: account.id,
        ...nameOf(account),
        ...(placement ? { ouPath: placement.ouPath } : {}),
        calls: once.read.calls,
        problems: once.read.problems,
        skipped: once.skipped.map(({ checkId, reason }) => ({ checkId, reason })),
        checksRun: once.checksRun,
        ...sync,
        notifications,
      };
      try {
        const remediation = await remediateOldKeys({ sync, account: account.id, now, settings: this.#options.remediation, config, store, remediator: opened });
        if (remediation) report.remediation = remediation;
      } catch (error) {
        report.remediationError = messageOf(error);
      }
      return report;
    } finally {
      if (opened !== home.opened) opened.close();
    }
  }
}

const nameOf = (account: OrganizationAccount) => (account.name ? { accountName: account.name } : {});
