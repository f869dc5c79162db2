import { type AccountSnapshot, CredentialReportError, identityOf, type PrincipalServiceAccess, principalServiceAccessSchema, type CredentialReportRow, parseCredentialReport, type PasswordPolicy, passwordPolicySchema } from "@vigil/core";
import * as z from "zod";
import { UsageError } from "../errors.ts";
import { parseJsonText, POSTURE_FILE_LIMITS, readInputFile } from "./inputFile.ts";
import { PostureInputError } from "./PostureInputError.ts";
import { readAuthorizationDetailsFile } from "./readAuthorizationDetailsFile.ts";
import { validateFile } from "./validateFile.ts";

/** The files a user downloaded with the AWS CLI, as `vigil posture` takes them. */
export interface PostureFiles {
  /** The decoded CSV of `aws iam get-credential-report`. */
  credentialReport: string;
  /** The JSON of `aws iam get-account-password-policy`, or `none` for an account without one; absent: not given, so its check is skipped. */
  passwordPolicy?: string;
  /** The JSON of `aws iam get-account-summary`. */
  accountSummary?: string;
  /** The JSON of `aws iam get-account-authorization-details`. */
  authorizationDetails?: string;
  /** `ARN=FILE`: the JSON of `aws iam get-service-last-accessed-details` for the job generated for ARN. */
  lastAccessed?: readonly string[];
  /** The 12-digit account; by default the one the report's ARNs name. */
  account?: string;
  region: string;
}

export interface FileSnapshot {
  snapshot: AccountSnapshot;
  report: CredentialReportRow[];
}

export const NO_PASSWORD_POLICY = "none";

const DOWNLOAD_REPORT = "aws iam get-credential-report --query Content --output text | base64 -d > report.csv";

const POLICY_KEYS = Object.keys(passwordPolicySchema.shape);

const summaryMap = z.record(z.string(), z.number());

/**
 * Reads the downloaded files into the snapshot the checks take. Each is validated as the AWS CLI
 * writes it (the policy and summary also bare, without their `PasswordPolicy`/`SummaryMap` wrapper).
 *
 * @throws PostureInputError naming the file and the line and column (or field) at fault.
 * @throws UsageError for an --account that is malformed, or needed and not given.
 */
export async function readSnapshotFiles(files: PostureFiles): Promise<FileSnapshot> {
  if (files.account !== undefined && !/^\d{12}$/.test(files.account)) throw new UsageError(`--account: expected a 12-digit AWS account id, got "${files.account}"`);
  const csv = await readInputFile(files.credentialReport, POSTURE_FILE_LIMITS.credentialReport);
  const report = parseReport(files.credentialReport, csv);
  const account = accountOf(files.credentialReport, report, files.account);

  const snapshot: AccountSnapshot = { account, region: files.region, credentialReportCsv: csv };
  if (files.passwordPolicy === NO_PASSWORD_POLICY) snapshot.passwordPolicy = null;
  else if (files.passwordPolicy !== undefined) snapshot.passwordPolicy = await readPasswordPolicy(files.passwordPolicy);
  if (files.accountSummary !== undefined) snapshot.accountSummary = await readAccountSummary(files.accountSummary);
  if (files.authorizationDetails !== undefined) snapshot.authorizationDetails = await readAuthorizationDetailsFile(files.authorizationDetails);
  if (files.lastAccessed !== undefined && files.lastAccessed.length > 0) {
    snapshot.serviceLastAccessed = await Promise.all(files.lastAccessed.map((entry) => readLastAccessed(entry, account)));
  }
  return { snapshot, report };
}

function parseReport(file: string, csv: string): CredentialReportRow[] {
  try {
    return parseCredentialReport(csv);
  } catch (error) {
    if (!(error instanceof CredentialReportError)) throw error;
    const hint = error.line === 1 ? notCsvHint(csv) : undefined;
    throw new PostureInputError(file, hint ?? error.message, { line: error.line, ...(error.column ? { column: error.column } : {}), cause: error });
  }
}

/** The two usual slips when saving the report: the whole JSON answer, or its Content still in base64. */
function notCsvHint(text: string): string | undefined {
  const first = text.trimStart().split(/\r?\n/, 1)[0] ?? "";
  if (first.startsWith("{")) return `line 1: this is JSON, not the report's CSV; save the CSV with: ${DOWNLOAD_REPORT}`;
  if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(first)) return `line 1: this is base64, not the report's CSV; decode it with: ${DOWNLOAD_REPORT}`;
  return undefined;
}

/** The account every ARN of the report names; `--account` must agree with it. */
function accountOf(file: string, report: readonly CredentialReportRow[], given: string | undefined): string {
  const accounts = new Set(report.map((row) => /^arn:[^:]+:iam::(\d{12}):/.exec(row.arn)?.[1]));
  const [found, other] = [...accounts];
  if (other !== undefined) throw new PostureInputError(file, `its ARNs name more than one account (${found} and ${other}); a credential report covers one`);
  if (given !== undefined && found !== undefined && given !== found) throw new PostureInputError(file, `its ARNs are in account ${found}, not --account ${given}`);
  const account = given ?? found;
  if (account === undefined) throw new UsageError("--account: the credential report has no rows to read the account from; give --account");
  return account;
}

async function readPasswordPolicy(file: string): Promise<PasswordPolicy> {
  const value = await readJson(file, "aws iam get-account-password-policy", "if it said NoSuchEntity, the account has no password policy: pass --password-policy none");
  const wrapped = isObject(value) && "PasswordPolicy" in value;
  if (!wrapped && !(isObject(value) && POLICY_KEYS.some((key) => key in value))) {
    throw new PostureInputError(file, 'expected what aws iam get-account-password-policy writes: {"PasswordPolicy": {...}}');
  }
  return validateFile(file, passwordPolicySchema, wrapped ? value.PasswordPolicy : value, wrapped ? "PasswordPolicy" : "");
}

async function readAccountSummary(file: string): Promise<Record<string, number>> {
  const value = await readJson(file, "aws iam get-account-summary");
  const wrapped = isObject(value) && "SummaryMap" in value;
  if (!wrapped && !(isObject(value) && Object.keys(value).length > 0)) {
    throw new PostureInputError(file, 'expected what aws iam get-account-summary writes: {"SummaryMap": {...}}');
  }
  return validateFile(file, summaryMap, wrapped ? value.SummaryMap : value, wrapped ? "SummaryMap" : "");
}

/**
 * One principal's Access Advisor answer. The AWS CLI's answer does not name the principal the job
 * was generated for, so the option does: `ARN=FILE`. Only a completed job holds the data.
 */
async function readLastAccessed(entry: string, account: string): Promise<PrincipalServiceAccess> {
  const separator = entry.indexOf("=");
  const arn = entry.slice(0, separator);
  const file = entry.slice(separator + 1);
  const identity = identityOf(arn);
  if (separator < 0 || !identity || arn.includes(":assumed-role/")) throw new UsageError(`--last-accessed: expected ARN=FILE with the ARN of an IAM user or role, got "${entry}"`);
  if (identity.account !== account) throw new UsageError(`--last-accessed: ${arn} is not in account ${account}`);
  const command = "aws iam get-service-last-accessed-details --job-id JOB";
  const text = await readInputFile(file, POSTURE_FILE_LIMITS.lastAccessed);
  if (text.trim() === "") throw new PostureInputError(file, `the file is empty: ${command} writes nothing when it fails`);
  const value = parseJsonText(file, text);
  if (!isObject(value) || !("ServicesLastAccessed" in value)) throw new PostureInputError(file, `expected what ${command} writes: {"JobStatus": "COMPLETED", "ServicesLastAccessed": [...]}`);
  if (value.JobStatus !== "COMPLETED") throw new PostureInputError(file, `JobStatus: the job is ${JSON.stringify(value.JobStatus)}; read it again once it is COMPLETED`);
  if (value.IsTruncated === true) throw new PostureInputError(file, "IsTruncated: the answer has more pages; write them all with the AWS CLI's default pagination (without --max-items)");
  return validateFile(file, principalServiceAccessSchema, { arn, jobCompletedAt: value.JobCompletionDate, services: value.ServicesLastAccessed }, "");
}

/** The file's JSON; an empty file is what the AWS CLI leaves when the call that should fill it failed. */
async function readJson(file: string, command: string, hint?: string): Promise<unknown> {
  const text = await readInputFile(file, POSTURE_FILE_LIMITS.json);
  if (text.trim() === "") throw new PostureInputError(file, `the file is empty: ${command} writes nothing when it fails${hint ? `; ${hint}` : ""}`);
  return parseJsonText(file, text);
}


function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
