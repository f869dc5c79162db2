import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, snapshot, summaries, user } from "../snapshot.ts";

const ID = "access-key-unused-since-creation";

describe("Check: access-key-unused-since-creation", () => {
  it("reports an active key created with its user and never used (carol), not one that was used (erin)", () => {
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(findings.map(({ severity, principal, resource, summary }) => ({ severity, principal, resource, summary }))).toEqual([
      {
        severity: "LOW",
        principal: user("carol"),
        resource: user("carol"),
        summary: "Access key 1 of carol was created 3 minutes after the user, 21 days ago, and has never been used.",
      },
    ]);
    expect(findings[0]?.details).toMatchObject({ slot: 1, lastRotated: "2026-11-01T08:03:00+00:00", userCreationTime: "2026-11-01T08:00:00+00:00", minutesAfterUserCreation: 3 });
  });

  it("names the key when the snapshot lists the user's keys", () => {
    const accessKeys = [
      { userName: "carol", accessKeyId: "AKIAEXAMPLECAROL0002", createDate: "2025-01-01T00:00:00.000Z" },
      { userName: "carol", accessKeyId: "AKIAEXAMPLECAROL0001", createDate: "2026-11-01T08:03:00.000Z" },
    ];
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport(), accessKeys }));
    expect(summaries(findings)).toEqual(["Access key AKIAEXAMPLECAROL0001 of carol was created 3 minutes after the user, 21 days ago, and has never been used."]);
    expect(findings[0]?.details?.accessKeyId).toBe("AKIAEXAMPLECAROL0001");
    // The key id only enriches the finding: its identity is the same with or without the list.
    expect(findings[0]?.id).toBe(findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }))[0]?.id);
  });

  it("does not count a key created after the setup window", () => {
    expect(findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }), { config: { rules: { [ID]: { setupWindowMinutes: 2 } } } })).toEqual([]);
  });
});
