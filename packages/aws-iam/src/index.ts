export * from "./errors.ts";
export * from "./decodePolicyDocument.ts";
export * from "./fetchPolicyDocument.ts";
export * from "./restoreOmittedPolicy.ts";
