import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { IAMClient } from "@aws-sdk/client-iam";
import { type AccountSnapshot, InvalidInputError } from "@vigil/core";
import { AwsCallError, type CallContext, defaultSleep } from "./awsCall.ts";
import { readCredentialReport } from "./readCredentialReport.ts";
import {
  readAccountSummary,
  readCustomerPolicies,
  readPasswordPolicy,
  readServerCertificates,
  readSupportRoles,
  readUserPolicyAttachments,
} from "./readIamParts.ts";
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
  | "trails";

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
 * and the rest of the snapshot still comes back. No part is read user by user, so the number of
 * calls does not grow with the number of users (see `calls`).
 *
 * @throws InvalidInputError when an option is malformed; never for a failed AWS call.
 */
export async function readAccountSnapshot(options: ReadAccountSnapshotOptions): Promise<AccountSnapshotRead> {
  const { iam, cloudTrail, account, region } = options;
  if (!/^\d{12}$/.test(account)) throw new InvalidInputError(`must be a 12-digit AWS account id, got ${JSON.stringify(account)}`, "account");
  if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new InvalidInputError(`must be an AWS region such as us-east-1, got ${JSON.stringify(region)}`, "region");
  const maxReportWaitMs = options.maxReportWaitMs ?? DEFAULT_MAX_REPORT_WAIT_MS;
  if (!Number.isFinite(maxReportWaitMs) || maxReportWaitMs < 0) throw new InvalidInputError(`must be a non-negative number of milliseconds, got ${maxReportWaitMs}`, "maxReportWaitMs");

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

  const [report, passwordPolicy, accountSummary, customerPolicies, attachments, supportRoles, serverCertificates, trails] = await Promise.all([
    part("credentialReport", () => readCredentialReport(iam, { ...context, now: options.now ?? Date.now }, maxReportWaitMs)),
    part("passwordPolicy", () => readPasswordPolicy(iam, context)),
    part("accountSummary", () => readAccountSummary(iam, context)),
    part("customerPolicies", () => readCustomerPolicies(iam, context)),
    part("userPolicyAttachments", () => readUserPolicyAttachments(iam, context)),
    part("supportRoles", () => readSupportRoles(iam, context, partitionOf(region))),
    part("serverCertificates", () => readServerCertificates(iam, context)),
    part("trails", () => readTrails(cloudTrail, context)),
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
  // Parts settle in any order; list their problems in the snapshot's order.
  const order: SnapshotPart[] = ["credentialReport", "passwordPolicy", "accountSummary", "customerPolicies", "userPolicyAttachments", "supportRoles", "serverCertificates", "trails"];
  problems.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part));
  return { snapshot, calls: context.calls, problems };
}

function problemOf(part: SnapshotPart, error: unknown): SnapshotProblem {
  if (error instanceof AwsCallError) {
    return { part, error: error.message, operation: error.operation, ...(error.code ? { code: error.code } : {}) };
  }
  return { part, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
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
