// The export adapters: Security Hub (BatchImportFindings, BatchUpdateFindings) and OCSF Parquet objects on S3.
export {};
