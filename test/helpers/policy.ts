import { type ActionIndex, analysePermissions, analyseTrust, type PermissionAnalysis, parsePolicy, type TrustAnalysis } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";

/** The real action index, loaded once for every policy test. */
export const actions: ActionIndex = loadActionIndex();

/**
 * What the permission rules would report for a policy, as sorted ids, Parliament style: full admin
 * hides everything else (as the rules do), then one id per wildcard, NotAction grant and escalation.
 */
export function verdicts(analysis: PermissionAnalysis): string[] {
  if (analysis.fullAdmin) return ["full-admin"];
  return [
    ...analysis.wildcards.map((grant) => `${grant.kind === "all-actions" ? "all-actions" : "wildcard"}:${grant.pattern.toLowerCase()}`),
    ...analysis.notActions.map((grant) => (grant.grantsIam ? "notaction:iam" : "notaction")),
    ...analysis.escalations.map((match) => `escalation:${match.method.id}`),
  ].sort();
}

/** Parses and analyses an inline identity policy. */
export function permissionsOf(policy: unknown, options: { actionIndex?: boolean } = {}): PermissionAnalysis {
  return analysePermissions(parsePolicy(policy), options.actionIndex === false ? {} : { actions });
}

export function trustOf(policy: unknown): TrustAnalysis {
  return analyseTrust(parsePolicy(policy));
}

/** `{ Version, Statement: [...] }` from statements. */
export function policy(...statements: object[]): object {
  return { Version: "2012-10-17", Statement: statements };
}

/** The rules that read policy documents; other rules may look at the same calls for other reasons. */
export const POLICY_RULE_IDS: readonly string[] = [
  "policy-grants-full-admin",
  "policy-wildcard-action",
  "policy-notaction-allow",
  "policy-privilege-escalation",
  "trust-policy-public",
  "trust-policy-external-account",
  "policy-document-omitted",
];

/** Findings of the policy rules only. */
export function policyFindings<T extends { ruleId: string }>(findings: readonly T[]): T[] {
  return findings.filter((finding) => POLICY_RULE_IDS.includes(finding.ruleId));
}
