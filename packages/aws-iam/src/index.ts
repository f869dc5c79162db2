export * from "./errors.ts";
export * from "./decodePolicyDocument.ts";
export * from "./fetchPolicyDocument.ts";
export * from "./restoreOmittedPolicy.ts";
export { AwsCallError, THROTTLE_RETRIES } from "./posture/awsCall.ts";
export * from "./posture/readAccountSnapshot.ts";
export * from "./posture/deactivateOldAccessKeys.ts";
export * from "./organization/readOrganizationInventory.ts";
export * from "./organization/OrganizationsInventorySource.ts";
