import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, snapshot, summaries } from "../snapshot.ts";

const ID = "credentials-unused";
const report = () => snapshot({ credentialReportCsv: credentialReport() });

describe("Check: credentials-unused", () => {
  it("reports passwords and active keys unused for 45 days, a never-used one counted from its creation", () => {
    const findings = findingsOf(ID, report());
    expect(summaries(findings)).toEqual([
      "The console password of bob has not been used for 120 days (last used 2026-07-25T10:00:00+00:00).",
      "Access key 2 of bob has never been used in the 45 days since 2026-10-08T00:00:00+00:00.",
      "The console password of dave has never been used in the 82 days since 2026-09-01T12:00:00+00:00.",
    ]);
    expect(findings.map((finding) => finding.severity)).toEqual(["MEDIUM", "MEDIUM", "MEDIUM"]);
    expect(findings[1]?.details).toMatchObject({ credential: "access-key", slot: 2, active: true, lastUsedDate: null, maxUnusedDays: 45 });
  });

  it("moves with maxUnusedDays: heidi's password unused 44 days counts at 44, bob's 45-day key not at 46", () => {
    const at44 = summaries(findingsOf(ID, report(), { config: { rules: { [ID]: { maxUnusedDays: 44 } } } }));
    expect(at44).toContain("The console password of heidi has not been used for 44 days (last used 2026-10-09T12:00:00+00:00).");
    const at46 = summaries(findingsOf(ID, report(), { config: { rules: { [ID]: { maxUnusedDays: 46 } } } }));
    expect(at46).toEqual([
      "The console password of bob has not been used for 120 days (last used 2026-07-25T10:00:00+00:00).",
      "The console password of dave has never been used in the 82 days since 2026-09-01T12:00:00+00:00.",
    ]);
  });

  it("ignores inactive keys and root", () => {
    const findings = findingsOf(ID, report(), { config: { rules: { [ID]: { maxUnusedDays: 1 } } } });
    expect(findings.some((finding) => finding.principal.endsWith(":root"))).toBe(false);
    // carol's key 2 is inactive and last used in 2025.
    expect(findings.some((finding) => finding.principal.endsWith("user/carol") && finding.details?.slot === 2)).toBe(false);
  });
});
