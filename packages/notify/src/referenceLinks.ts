import { formatReference, type Reference } from "@vigil/core";

const TECHNIQUE = /^T(\d{4})(?:\.(\d{3}))?$/;

/** The ATT&CK technique page; CIS controls have no public page (the benchmark is behind a sign-in). */
export function referenceUrl(reference: Reference): string | undefined {
  if (reference.framework !== "MITRE ATT&CK") return undefined;
  const match = TECHNIQUE.exec(reference.id);
  if (!match) return undefined;
  return `https://attack.mitre.org/techniques/T${match[1]}/${match[2] ? `${match[2]}/` : ""}`;
}

/** `CIS 4.3 Ensure usage of 'root' account is monitored`. */
export function describeReference(reference: Reference): string {
  return `${formatReference(reference)} ${reference.title}`;
}
