import * as z from "zod";
import { tableName } from "../shared/env.ts";

const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region");

/** What the export sweep reads from its environment besides Lambda's own; stacks/monitor/exportFunction.ts sets exactly these. */
export const exportFindingsEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  /** Security Hub's region when findings are imported there; absent: not imported. */
  SECURITY_HUB_REGION: awsRegion.optional(),
  /** Organization mode with Security Hub: the role each member account holds for the import. */
  SECURITY_HUB_IMPORT_ROLE: z.string().regex(/^[\w+=,.@-]{1,64}$/, "must be an IAM role name").optional(),
  /** The bucket OCSF Parquet objects go to; absent: not written. Its shape is checked by the writer. */
  OCSF_BUCKET: z.string().min(1).optional(),
  /** The key prefix under the bucket; the bucket's root when absent. */
  OCSF_PREFIX: z.string().optional(),
  /** Security Lake's provider role, assumed to write the objects; the function's own role writes when absent. */
  OCSF_ROLE_ARN: z.string().startsWith("arn:").optional(),
  OCSF_EXTERNAL_ID: z.string().min(1).optional(),
  /** Vigil's version, for the OCSF records' metadata.product.version. */
  VIGIL_VERSION: z.string().min(1),
};
