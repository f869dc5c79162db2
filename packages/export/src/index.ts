// The export adapters: Security Hub (BatchImportFindings, BatchUpdateFindings) and OCSF Parquet objects on S3.
export {};
export * from "./errors.ts";
export * from "./securityhub/SecurityHubClients.ts";
export * from "./securityhub/OwnAccountClients.ts";
export * from "./securityhub/MemberAccountClients.ts";
export * from "./securityhub/SecurityHubImporter.ts";
