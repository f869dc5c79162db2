// The export adapters: Security Hub (BatchImportFindings, BatchUpdateFindings) and OCSF Parquet objects on S3.
export * from "./assumedRoleCredentials.ts";
export * from "./errors.ts";
export * from "./ocsfObjectKey.ts";
export * from "./ocsfParquet.ts";
export * from "./ocsfParquetSchema.ts";
export * from "./S3OcsfWriter.ts";
export * from "./securityhub/SecurityHubClients.ts";
export * from "./securityhub/OwnAccountClients.ts";
export * from "./securityhub/MemberAccountClients.ts";
export * from "./securityhub/SecurityHubImporter.ts";
