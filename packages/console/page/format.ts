export function formatTime(iso: string | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function findingTime(finding: { eventTime?: string; detectedAt: string }): string {
  return finding.eventTime ?? finding.detectedAt;
}

/** The page behind a framework reference: ATT&CK techniques by id; CIS controls to the benchmark. */
export function referenceHref(reference: { framework: string; id: string }): string | undefined {
  if (reference.framework === "MITRE ATT&CK") {
    const match = /^(T\d{4})(?:\.(\d{3}))?$/.exec(reference.id);
    if (match) return `https://attack.mitre.org/techniques/${match[1]}/${match[2] ? `${match[2]}/` : ""}`;
    if (/^TA\d{4}$/.test(reference.id)) return `https://attack.mitre.org/tactics/${reference.id}/`;
    return undefined;
  }
  if (reference.framework.startsWith("CIS")) return "https://www.cisecurity.org/benchmark/amazon_web_services";
  return undefined;
}

export function shortReference(reference: { framework: string; id: string }): string {
  return reference.framework === "MITRE ATT&CK" ? `ATT&CK ${reference.id}` : `CIS ${reference.id}`;
}
