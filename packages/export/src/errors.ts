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
