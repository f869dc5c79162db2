import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, type SecurityHubClient } from "@aws-sdk/client-securityhub";
import { type AsffFinding, type AsffWorkflowStatus, ASFF_LIMITS, type Finding, InvalidInputError, isAwsRegion, toAsff } from "@vigil/core";
import { awsCall, type CallContext, defaultSleep, mapLimit } from "@vigil/aws-iam";
import { callFailure } from "./callFailure.ts";
import { CallPacer } from "./CallPacer.ts";
import { IMPORT_LIMITS, importChunks } from "./importChunks.ts";
import type { SecurityHubClients } from "./SecurityHubClients.ts";

/** Security Hub's rate limit answers LimitExceededException, which awsCall then retries like the common throttles. */
const SECURITY_HUB_THROTTLES: ReadonlySet<string> = new Set(["LimitExceededException"]);

/** One finding to bring into Security Hub. */
export interface SecurityHubChange {
  finding: Finding;
  /** When the finding last changed: a newer UpdatedAt is what makes Security Hub take a re-import. */
  updatedAt: string;
  /**
   * The finding is already in Security Hub and its status changed since: a re-import cannot change
   * Workflow, so BatchUpdateFindings sets it after the import.
   */
  setWorkflow: boolean;
}

export interface SecurityHubFailure {
  id: string;
  account: string;
  /** Why, with the AWS error code when AWS gave one. */
  error: string;
}

export interface SecurityHubOutcome {
  /** Ids of the findings now in step in Security Hub: imported, and their Workflow set when it had to be. */
  imported: string[];
  /** The findings to bring again later, each once. */
  failed: SecurityHubFailure[];
  /** Calls made, attempts included, by `service:Operation`. */
  calls: Record<string, number>;
}

export interface SecurityHubImporterOptions {
  /** The Security Hub region the findings are imported into. */
  region: string;
  clients: SecurityHubClients;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the pacing reads; `sleep` must advance it. */
  now?: () => number;
  /** Attempts of a throttled call before its findings fail (4 by default). */
  maxAttempts?: number;
}

export const IMPORT_OPERATION = "securityhub:BatchImportFindings";
export const UPDATE_OPERATION = "securityhub:BatchUpdateFindings";
/** Accounts imported at once: each paces its own calls, so this bounds only the work in flight (and the AssumeRoles). */
const ACCOUNTS_IN_FLIGHT = 4;

interface Prepared {
  change: SecurityHubChange;
  asff: AsffFinding;
}

/** What one import collects from all its accounts. */
interface Run {
  calls: Record<string, number>;
  inStep: Set<SecurityHubChange>;
  failed: SecurityHubFailure[];
}

/**
 * Keeps Vigil's findings in Security Hub in step with their lifecycle. Each account's findings go
 * through that account's client (the default product takes findings only from its own account):
 * BatchImportFindings in requests within its limits, then BatchUpdateFindings for the Workflow a
 * re-import cannot change. Nothing a call answers throws: the outcome names each finding that
 * failed and why, for the caller to bring again later.
 */
export class SecurityHubImporter {
  readonly #region: string;
  readonly #clients: SecurityHubClients;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxAttempts: number;
  /** One pacer across imports, so back-to-back imports of an account keep its rate too. */
  readonly #pacer: CallPacer;

  /** @throws InvalidInputError for a region that is not one, or attempts that are not a positive integer. */
  constructor(options: SecurityHubImporterOptions) {
    if (!isAwsRegion(options.region)) throw new InvalidInputError(`not an AWS region: "${options.region}"`, "region");
    const maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new InvalidInputError(`must be a positive integer, got ${maxAttempts}`, "maxAttempts");
    this.#region = options.region;
    this.#clients = options.clients;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#maxAttempts = maxAttempts;
    this.#pacer = new CallPacer(options.now ?? Date.now, this.#sleep);
  }

  async import(changes: readonly SecurityHubChange[]): Promise<SecurityHubOutcome> {
    const run: Run = { calls: {}, inStep: new Set(), failed: [] };
    // Security Hub keys a finding by Id and ProductArn (the account's): a later change of the same one wins.
    const byAccount = new Map<string, Map<string, SecurityHubChange>>();
    for (const change of changes) {
      const account = byAccount.get(change.finding.account) ?? new Map<string, SecurityHubChange>();
      account.set(change.finding.id, change);
      byAccount.set(change.finding.account, account);
    }
    await mapLimit([...byAccount], ACCOUNTS_IN_FLIGHT, ([account, accountChanges]) => this.#importAccount(account, [...accountChanges.values()], run));
    return { imported: changes.filter((change) => run.inStep.has(change)).map((change) => change.finding.id), failed: run.failed, calls: run.calls };
  }

  async #importAccount(account: string, changes: readonly SecurityHubChange[], run: Run): Promise<void> {
    const fail = (items: readonly SecurityHubChange[], error: string) => {
      for (const change of items) run.failed.push({ id: change.finding.id, account, error });
    };
    const prepared: (Prepared & { bytes: number })[] = [];
    for (const change of changes) {
      let asff: AsffFinding;
      try {
        asff = toAsff(change.finding, { region: this.#region, updatedAt: change.updatedAt });
      } catch (error) {
        fail([change], `not exportable to ASFF: ${callFailure(error)}`);
        continue;
      }
      const bytes = Buffer.byteLength(JSON.stringify(asff));
      if (bytes > IMPORT_LIMITS.findingBytes) fail([change], `its ASFF is ${bytes} bytes, over the ${IMPORT_LIMITS.findingBytes} BatchImportFindings takes per finding`);
      else prepared.push({ change, asff, bytes });
    }
    if (prepared.length === 0) return;

    let client: SecurityHubClient;
    try {
      client = await this.#clients.clientFor(account, run.calls);
    } catch (error) {
      fail(
        prepared.map((item) => item.change),
        callFailure(error),
      );
      return;
    }
    const context: CallContext = { calls: run.calls, sleep: this.#sleep, maxAttempts: this.#maxAttempts, pace: () => this.#pacer.wait(account), throttles: SECURITY_HUB_THROTTLES };
    const imported = await this.#importFindings(client, context, prepared, fail);
    const settled = await this.#setWorkflows(
      client,
      context,
      imported.filter((item) => item.change.setWorkflow),
      fail,
    );
    for (const item of imported) if (!item.change.setWorkflow || settled.has(item)) run.inStep.add(item.change);
  }

  /** BatchImportFindings in requests within its limits; returns what Security Hub took. */
  async #importFindings(
    client: SecurityHubClient,
    context: CallContext,
    prepared: readonly (Prepared & { bytes: number })[],
    fail: (items: readonly SecurityHubChange[], error: string) => void,
  ): Promise<Prepared[]> {
    const imported: Prepared[] = [];
    const chunks = importChunks(
      prepared.map((item) => ({ item, bytes: item.bytes })),
      { maxItems: IMPORT_LIMITS.findings, maxBytes: IMPORT_LIMITS.requestBytes },
    );
    for (const chunk of chunks) {
      try {
        const output = await awsCall(context, IMPORT_OPERATION, () => client.send(new BatchImportFindingsCommand({ Findings: chunk.map((item) => item.asff) })));
        const refused = new Map((output.FailedFindings ?? []).map((failure) => [failure.Id, failure]));
        for (const item of chunk) {
          const failure = refused.get(item.asff.Id);
          if (failure) fail([item.change], `${IMPORT_OPERATION}: ${awsReason(failure.ErrorCode, failure.ErrorMessage)}`);
          else imported.push(item);
        }
      } catch (error) {
        fail(
          chunk.map((item) => item.change),
          callFailure(error),
        );
      }
    }
    return imported;
  }

  /** BatchUpdateFindings of each target Workflow status; returns the findings whose Workflow is now set. */
  async #setWorkflows(
    client: SecurityHubClient,
    context: CallContext,
    items: readonly Prepared[],
    fail: (items: readonly SecurityHubChange[], error: string) => void,
  ): Promise<Set<Prepared>> {
    const settled = new Set<Prepared>();
    const byStatus = new Map<AsffWorkflowStatus, Prepared[]>();
    for (const item of items) byStatus.set(item.asff.Workflow.Status, [...(byStatus.get(item.asff.Workflow.Status) ?? []), item]);
    for (const [status, sameStatus] of byStatus) {
      for (let start = 0; start < sameStatus.length; start += ASFF_LIMITS.batch) {
        const chunk = sameStatus.slice(start, start + ASFF_LIMITS.batch);
        const notSet = `imported, but its Workflow is not yet ${status}`;
        try {
          const output = await awsCall(context, UPDATE_OPERATION, () =>
            client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: chunk.map(({ asff }) => ({ Id: asff.Id, ProductArn: asff.ProductArn })), Workflow: { Status: status } })),
          );
          const unprocessed = new Map((output.UnprocessedFindings ?? []).map((entry) => [entry.FindingIdentifier?.Id, entry]));
          for (const item of chunk) {
            const entry = unprocessed.get(item.asff.Id);
            if (entry) fail([item.change], `${UPDATE_OPERATION}: ${awsReason(entry.ErrorCode, entry.ErrorMessage)} (${notSet})`);
            else settled.add(item);
          }
        } catch (error) {
          fail(
            chunk.map((item) => item.change),
            `${callFailure(error)} (${notSet})`,
          );
        }
      }
    }
    return settled;
  }
}

function awsReason(code: string | undefined, message: string | undefined): string {
  return [code, message].filter((part) => part).join(": ") || "refused without a reason";
}
