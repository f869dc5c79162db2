import type { Reference } from "./Reference.ts";

const TECHNIQUE = /^T(\d{4})(?:\.(\d{3}))?$/;

/**
 * The ATT&CK technique page, or the section of AWS's IAM best practices (its id is the section's
 * anchor); CIS controls have no public page (the benchmark is behind a sign-in).
 */
export function referenceUrl(reference: Reference): string | undefined {
  if (reference.framework === "AWS IAM best practices") return `https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#${encodeURIComponent(reference.id)}`;
  if (reference.framework !== "MITRE ATT&CK") return undefined;
  const match = TECHNIQUE.exec(reference.id);
  if (!match) return undefined;
  return `https://attack.mitre.org/techniques/T${match[1]}/${match[2] ? `${match[2]}/` : ""}`;
}

/**
 * The public page of the CIS AWS Foundations Benchmark, where it is downloaded: the nearest real page
 * to any of its controls, for a format that wants a URL for every reference.
 */
export const CIS_AWS_BENCHMARK_URL = "https://www.cisecurity.org/benchmark/amazon_web_services";
