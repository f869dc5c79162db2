import type { SnapshotProblem } from "@vigil/aws-iam";
import type { ActionIndex, AnyPostureCheck, EffectiveConfig, Finding, RemediationAction } from "@vigil/core";
import { formatDigest, type PostureDigest } from "@vigil/notify";
import type { PostureSyncResult } from "@vigil/store-dynamodb";
import { type DigestOutcome, settleDigestCoverage } from "./digestCoverage.ts";
import type { AccountReader, KeyRemediator, NotificationOutbox, PostureFindings } from "./ports.ts";
import { remediateOldKeys } from "./remediateOldKeys.ts";
import type { RemediationSettings } from "./remediationSettings.ts";
import { runPostureOnce } from "./runPostureOnce.ts";
import type { DeliveryReport, SnsDelivery } from "./SnsDelivery.ts";

/** What publishes a posture digest to the alerts topic (SnsDigestPublisher); resolves with the message id. */
export interface DigestPublisher {
  publishDigest(digest: PostureDigest): Promise<string>;
}

export interface PostureRunnerOptions {
  store: PostureFindings;
  /** Where the digest marks the new findings it notified. */
  outbox: NotificationOutbox;
  /** Publishes the CRITICAL new findings one by one, through the outbox; its lease covers the whole run. */
  delivery: SnsDelivery;
  digests: DigestPublisher;
  /** Deactivates keys when remediation is on and not a dry run. */
  remediator: KeyRemediator;
  config: EffectiveConfig;
  /** Off when absent. */
  remediation?: RemediationSettings;
  /** Real IAM action names, so admin-policy-in-use reads NotAction exactly; loaded when a run needs them. */
  loadActions?: () => ActionIndex;
  /** The checks to run; all of Vigil's by default. */
  checks?: readonly AnyPostureCheck[];
  now: () => Date;
}

export interface PostureRunRequest {
  /** Reads the account to check (the function's own). */
  reader: AccountReader;
  /** Identifies this run (the Lambda request id) for the notification leases. */
  owner: string;
}

export type { DigestOutcome };

export interface PostureRunReport {
  account: string;
  region: string;
  runAt: string;
  /** API calls the snapshot took, by `service:Operation`. */
  calls: Record<string, number>;
  problems: SnapshotProblem[];
  skipped: { checkId: string; reason: string }[];
  /** The checks that ran in full: only their stored findings could be resolved. */
  checksRun: string[];
  created: Finding[];
  seenAgain: string[];
  stillOpen: Finding[];
  resolved: Finding[];
  reopened: Finding[];
  /** Absent when remediation is off. */
  remediation?: { dryRun: boolean; actions: RemediationAction[] };
  /** The CRITICAL new findings, published one by one. */
  notifications: DeliveryReport;
  digest: DigestOutcome;
}

/**
 * One scheduled posture run of the function's own account: runPostureOnce (read the account, run
 * the checks, bring the stored findings in line), optionally deactivate old access keys, then
 * notify: each CRITICAL new finding on its own, and one digest of the whole run.
 *
 * Every new finding is stored with its notification pending and held by this run. The CRITICAL ones
 * are published and marked delivered one by one; the others are marked delivered by the digest
 * (its MessageId as their reference). If the digest cannot be published they are released, and the
 * retry sweep publishes them one by one: a failed notification is retried, never lost.
 */
export class PostureRunner {
  readonly #options: PostureRunnerOptions;

  constructor(options: PostureRunnerOptions) {
    this.#options = options;
  }

  async run(request: PostureRunRequest): Promise<PostureRunReport> {
    const { store, outbox, delivery, digests, config, now: clock } = this.#options;
    const { owner } = request;
    const now = clock();
    const runAt = now.toISOString();

    const once = await runPostureOnce({
      reader: request.reader,
      store,
      config,
      now,
      claimFor: { owner, leaseMs: delivery.leaseMs },
      ...(this.#options.loadActions ? { loadActions: this.#options.loadActions } : {}),
      ...(this.#options.checks ? { checks: this.#options.checks } : {}),
    });
    const { read, checksRun } = once;
    const { account, region } = read.snapshot;
    const sync = once.sync as PostureSyncResult;
    const critical = sync.created.filter((finding) => finding.severity === "CRITICAL");
    const notifications = await delivery.deliverClaimed(critical, owner);
    const remediation = await remediateOldKeys({ sync, account, now, settings: this.#options.remediation, config, store, remediator: this.#options.remediator });

    const digest = formatDigest({
      account,
      region,
      runAt,
      created: sync.created,
      reopened: sync.reopened,
      resolved: sync.resolved,
      stillOpen: sync.stillOpen,
      ...(remediation ? { remediation } : {}),
      skipped: once.skipped.map(({ checkId, reason }) => ({ checkId, reason })),
      problems: read.problems.map(({ part, error }) => ({ part, error })),
    });
    const covered = sync.created.filter((finding) => finding.severity !== "CRITICAL");
    let outcome: DigestOutcome;
    try {
      outcome = { published: true, messageId: await digests.publishDigest(digest) };
    } catch (error) {
      outcome = { published: false, error };
    }
    await settleDigestCoverage(outbox, covered, owner, outcome);

    return {
      account,
      region,
      runAt,
      calls: read.calls,
      problems: read.problems,
      skipped: once.skipped.map(({ checkId, reason }) => ({ checkId, reason })),
      checksRun,
      ...sync,
      ...(remediation ? { remediation } : {}),
      notifications,
      digest: outcome,
    };
  }
}
