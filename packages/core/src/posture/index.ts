export * from "./AccountSnapshot.ts";
export * from "./CredentialReportRow.ts";
export * from "./CredentialReportError.ts";
export * from "./parseCredentialReport.ts";
export * from "./PostureCheck.ts";
export * from "./checks/index.ts";
export * from "./runPostureChecks.ts";
export * from "./RemediationAction.ts";
