import type { Finding } from "../findings/Finding.ts";
import { tacticsOfAll } from "./attackTactics.ts";
import { findingKind } from "./findingKind.ts";

/**
 * Security Hub's finding types are `namespace/category/classifier` from its taxonomy ("Types taxonomy
 * for ASFF", https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-type-taxonomy.html).
 * The TTPs categories carry ATT&CK's tactic names, except Exfiltration, which the taxonomy calls Data Exfiltration.
 */
export const CIS_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark";
const CONFIGURATION_TYPE = "Software and Configuration Checks";
const BEST_PRACTICES_TYPE = "Software and Configuration Checks/AWS Security Best Practices";
const TTP_CATEGORY: Readonly<Record<string, string>> = { Exfiltration: "Data Exfiltration" };

/**
 * The types of a finding, chosen from its references:
 * - a posture finding is a configuration check: the CIS type when it maps to a CIS control, the AWS
 *   security best practices type when it maps to one of AWS's IAM best practices (the unused-access
 *   checks), else the bare configuration-checks namespace;
 * - an event finding is behaviour: `TTPs/<tactic>` for each tactic of its ATT&CK techniques; one whose
 *   techniques have no known tactic, or that only maps to CIS (a password policy weakened), gets the
 *   CIS type, since the event undid a control the benchmark asks for.
 */
export function asffTypes(finding: Pick<Finding, "eventId" | "eventName" | "references">): string[] {
  const cis = finding.references.some((reference) => reference.framework === "CIS AWS Foundations Benchmark v3.0.0");
  const bestPractice = finding.references.some((reference) => reference.framework === "AWS IAM best practices");
  const fallback = cis ? CIS_TYPE : bestPractice ? BEST_PRACTICES_TYPE : CONFIGURATION_TYPE;
  if (findingKind(finding) === "posture") return [fallback];
  const ttps = tacticsOfAll(finding.references).map((tactic) => `TTPs/${TTP_CATEGORY[tactic.name] ?? tactic.name}`);
  return ttps.length > 0 ? ttps : [fallback];
}
