// The export adapters: Security Hub (BatchImportFindings, BatchUpdateFindings) and OCSF Parquet objects on S3.
export {};
export * from "./errors.ts";
export * from "./ocsfObjectKey.ts";
export * from "./ocsfParquet.ts";
export * from "./ocsfParquetSchema.ts";
export * from "./S3OcsfWriter.ts";
