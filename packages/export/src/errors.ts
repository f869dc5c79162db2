import { VigilError } from "@vigil/core";

/** Base class of every error the export adapters raise. */
export class ExportError extends VigilError {}

/** A record whose partition values cannot go into an S3 key (no 12-digit account, no region name). */
export class OcsfPartitionError extends ExportError {
  /** The record's finding_info.uid. */
  readonly findingUid: string;
  constructor(findingUid: string, message: string) {
    super(`OCSF record ${findingUid}: ${message}`);
    this.findingUid = findingUid;
  }
}

/** S3 refused or failed a PutObject of OCSF Parquet; `cause` carries the SDK error. The whole batch is to be written again. */
export class OcsfPutObjectError extends ExportError {
  readonly bucket: string;
  readonly key: string;
  constructor(bucket: string, key: string, options: { cause: unknown }) {
    super(`writing s3://${bucket}/${key}: ${describe(options.cause)}`, options);
    this.bucket = bucket;
    this.key = key;
  }
}

/** The SDK error as `Code: message` (S3's error code is its name). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Why the findings of an account cannot reach Security Hub at all:
 * - `other-account`: a single-account deployment was given another account's findings, which only
 *   that account can import into its default product.
 * - `role-unavailable`: sts:AssumeRole of the account's import role was refused.
 * - `failed`: anything else, named in the message.
 */
export type SecurityHubAccessReason = "other-account" | "role-unavailable" | "failed";

/** No Security Hub client for an account: each of its findings fails with this message, the other accounts go on. */
export class SecurityHubAccessError extends ExportError {
  readonly account: string;
  readonly reason: SecurityHubAccessReason;
  constructor(account: string, reason: SecurityHubAccessReason, detail: string, options?: { cause?: unknown }) {
    super(`account ${account}: ${detail}`, options);
    this.account = account;
    this.reason = reason;
  }
}
