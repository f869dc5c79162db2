export * from "./AuthorizationDetails.ts";
export * from "./ServiceLastAccessed.ts";
export * from "./principalPolicies.ts";
