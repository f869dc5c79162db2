import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { IAMClient } from "@aws-sdk/client-iam";
import { type AccountSnapshot, type AuthorizationDetails, InvalidInputError, narrowablePrincipals } from "@vigil/core";
import { AwsCallError, type CallContext, defaultSleep } from "./awsCall.ts";
import { readAuthorizationDetails } from "./readAuthorizationDetails.ts";
import { readCredentialReport } from "./readCredentialReport.ts";
import {
  readAccountSummary,
  readCustomerPolicies,
  readPasswordPolicy,
  readServerCertificates,
  readSupportRoles,
  readUserPolicyAttachments,
} from "./readIamParts.ts";
import { DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN, DEFAULT_ACCESS_ADVISOR_WAIT_MS, readServiceLastAccessed } from "./readServiceLastAccessed.ts";
import { readTrails } from "./readTrails.ts";

export interface ReadAccountSnapshotOptions {
  /** Reads the account's IAM (global). */
  iam: IAMClient;
  /** Reads CloudTrail in `region`. */
  cloudTrail: CloudTrailClient;
  /** The 12-digit account both clients read. */
  account: string;
  region: string;
  /** Waits for backoff and report polling; injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds; bounds the wait for the credential report. */
  now?: () => number;
  /** How long to wait for IAM to build the credential report (default 120 s). */
  maxReportWaitMs?: number;
  /**
   * Access Advisor: at most `maxJobsPerRun` principals a run (default 50; 0 turns it off and leaves
   * serviceLastAccessed out), rotating through the rest day by day (the day of `now`), and at most
   * `maxWaitMs` (default 60 s) of waiting for the jobs. See readServiceLastAccessed.
   */
  accessAdvisor?: { maxJobsPerRun?: number; maxWaitMs?: number };
}

/** One part of the snapshot; the credential report stands for both of its fields. */
export type SnapshotPart =
  | "credentialReport"
  | "passwordPolicy"
  | "accountSummary"
  | "customerPolicies"
  | "userPolicyAttachments"
  | "supportRoles"
  | "serverCertificates"
  | "trails"
  | "authorizationDetails"
  | "serviceLastAccessed";

/** A part that could not be read: it is absent from the snapshot and the checks needing it are skipped. */
export interface SnapshotProblem {
  part: SnapshotPart;
  /** What went wrong, naming the call (`iam:ListPolicies: AccessDenied: ...`). */
  error: string;
  /** `service:Operation` of the failed call, when a call failed. */
  operation?: string;
  /** The AWS error name, when AWS answered one. */
  code?: string;
}

export interface AccountSnapshotRead {
  snapshot: AccountSnapshot;
  /** API calls made, by `service:Operation`, retries included. */
  calls: Record<string, number>;
  problems: SnapshotProblem[];
}

export const DEFAULT_MAX_REPORT_WAIT_MS = 120_000;

/**
 * Reads the account's state for the scheduled posture checks. Each part is read on its own: one that
 * fails (access denied, still throttled after the retries) is left out and listed in `problems`,
 * and the rest of the snapshot still comes back. No part is read user by user but Access Advisor,
 * which is capped per run (see `accessAdvisor`): the calls grow with the account only by the
 * authorization details' pages (one per 1,000 users, groups, roles and policies) and up to the cap's
 * jobs (see `calls`).
 *
 * @throws InvalidInputError when an option is malformed; never for a failed AWS call.
 */
export async function readAccountSnapshot(options: ReadAccountSnapshotOptions): Promise<AccountSnapshotRead> {
  const { iam, cloudTrail, account, region } = options;
  if (!/^\d{12}$/.test(account)) throw new InvalidInputError(`must be a 12-digit AWS account id, got ${JSON.stringify(account)}`, "account");
  if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InvalidInputError(`must be an AWS region such as us-east-1, got ${JSON.stringify(region)}`, "region");
  const maxReportWaitMs = options.maxReportWaitMs ?? DEFAULT_MAX_REPORT_WAIT_MS;
  if (!Number.isFinite(maxReportWaitMs) || maxReportWaitMs < 0) throw new InvalidInputError(`must be a non-negative number of milliseconds, got ${maxReportWaitMs}`, "maxReportWaitMs");

  const maxJobsPerRun = options.accessAdvisor?.maxJobsPerRun ?? DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN;
  if (!Number.isSafeInteger(maxJobsPerRun) || maxJobsPerRun < 0) throw new InvalidInputError(`must be a non-negative integer, got ${maxJobsPerRun}`, "accessAdvisor.maxJobsPerRun");
  const maxAdvisorWaitMs = options.accessAdvisor?.maxWaitMs ?? DEFAULT_ACCESS_ADVISOR_WAIT_MS;
  if (!Number.isFinite(maxAdvisorWaitMs) || maxAdvisorWaitMs < 0) throw new InvalidInputError(`must be a non-negative number of milliseconds, got ${maxAdvisorWaitMs}`, "accessAdvisor.maxWaitMs");
  const now = options.now ?? Date.now;

  const context: CallContext = { calls: {}, sleep: options.sleep ?? defaultSleep };
  const problems: SnapshotProblem[] = [];
  const part = async <T>(name: SnapshotPart, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      problems.push(problemOf(name, error));
      return undefined;
    }
  };

  // Access Advisor reads the principals the authorization details name, so it follows them.
  const readAccess = async (details: AuthorizationDetails | undefined) => {
    if (maxJobsPerRun === 0) return undefined;
    if (!details) {
      // The cause is the details' failed call: named with its code, so a refusal still reads as one.
      const cause = problems.find((problem) => problem.part === "authorizationDetails");
      problems.push({
        part: "serviceLastAccessed",
        error: `needs the authorization details, which could not be read${cause ? ` (${cause.error})` : ""}`,
        ...(cause?.operation ? { operation: cause.operation } : {}),
        ...(cause?.code ? { code: cause.code } : {}),
      });
      return undefined;
    }
    return part("serviceLastAccessed", () =>
      readServiceLastAccessed(iam, { ...context, now }, accessAdvisorCandidates(details), {
        maxJobsPerRun,
        maxWaitMs: maxAdvisorWaitMs,
        rotation: Math.floor(now() / DAY_MS),
      }),
    );
  };

  const [report, passwordPolicy, accountSummary, customerPolicies, attachments, supportRoles, serverCertificates, trails, [authorizationDetails, access]] = await Promise.all([
    part("credentialReport", () => readCredentialReport(iam, { ...context, now }, maxReportWaitMs)),
    part("passwordPolicy", () => readPasswordPolicy(iam, context)),
    part("accountSummary", () => readAccountSummary(iam, context)),
    part("customerPolicies", () => readCustomerPolicies(iam, context)),
    part("userPolicyAttachments", () => readUserPolicyAttachments(iam, context)),
    part("supportRoles", () => readSupportRoles(iam, context, partitionOf(region))),
    part("serverCertificates", () => readServerCertificates(iam, context)),
    part("trails", () => readTrails(cloudTrail, context)),
    part("authorizationDetails", () => readAuthorizationDetails(iam, context)).then(async (details) => [details, await readAccess(details)] as const),
  ]);

  const snapshot: AccountSnapshot = { account, region };
  if (report) {
    snapshot.credentialReportCsv = report.csv;
    snapshot.credentialReportGeneratedAt = report.generatedAt;
  }
  if (passwordPolicy !== undefined) snapshot.passwordPolicy = passwordPolicy;
  if (accountSummary) snapshot.accountSummary = accountSummary;
  if (customerPolicies) snapshot.customerPolicies = customerPolicies;
  if (attachments) {
    // ListEntitiesForPolicy names users without their ARN; the credential report has both.
    const arns = report ? userArnsOf(report.csv) : new Map<string, string>();
    snapshot.userPolicyAttachments = attachments.map((attachment) => {
      const userArn = arns.get(attachment.userName);
      return userArn ? { ...attachment, userArn } : attachment;
    });
  }
  if (supportRoles) snapshot.supportRoles = supportRoles;
  if (serverCertificates) snapshot.serverCertificates = serverCertificates;
  if (trails) snapshot.trails = trails;
  if (authorizationDetails) snapshot.authorizationDetails = authorizationDetails;
  if (access) {
    // What was read is kept; each principal left unread is a problem of its own, naming its call.
    snapshot.serviceLastAccessed = access.accesses;
    for (const unread of access.notRead) {
      problems.push({ part: "serviceLastAccessed", error: `${unread.arn}: ${unread.reason}`, operation: unread.operation, ...(unread.code ? { code: unread.code } : {}) });
    }
  }
  // Parts settle in any order; list their problems in the snapshot's order.
  const order: SnapshotPart[] = [
    "credentialReport",
    "passwordPolicy",
    "accountSummary",
    "customerPolicies",
    "userPolicyAttachments",
    "supportRoles",
    "serverCertificates",
    "trails",
    "authorizationDetails",
    "serviceLastAccessed",
  ];
  problems.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part));
  return { snapshot, calls: context.calls, problems };
}

function problemOf(part: SnapshotPart, error: unknown): SnapshotProblem {
  if (error instanceof AwsCallError) {
    return { part, error: error.message, operation: error.operation, ...(error.code ? { code: error.code } : {}) };
  }
  return { part, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

const DAY_MS = 86_400_000;

/**
 * The principals Access Advisor is asked about: users and roles holding at least one identity policy
 * (one with nothing to narrow has nothing to report), but service-linked roles, which nobody can
 * narrow. Sorted by ARN.
 */
export function accessAdvisorCandidates(details: AuthorizationDetails): string[] {
  return narrowablePrincipals(details)
    .filter((principal) => principal.policies.length > 0 || principal.unreadable.length > 0)
    .map((principal) => principal.arn)
    .sort();
}

/** The partition of a region's ARNs (AWS managed policies live at `arn:<partition>:iam::aws:policy/...`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** User name → ARN from the credential report's first two columns (`user`, `arn`); root's row is not a user. */
function userArnsOf(csv: string): Map<string, string> {
  const arns = new Map<string, string>();
  for (const line of csv.split(/\r?\n/).slice(1)) {
    const [user, arn] = line.split(",", 2);
    if (user && arn && user !== "<root_account>") arns.set(user, arn);
  }
  return arns;
}
