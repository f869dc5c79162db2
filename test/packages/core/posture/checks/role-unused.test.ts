import type { AccountSnapshot } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { authorizationDetails, findingsOf, NOW, role, snapshot, summaries } from "../snapshot.ts";

type Details = NonNullable<AccountSnapshot["authorizationDetails"]>;
const roles = (details: Details) => findingsOf("role-unused", snapshot({ authorizationDetails: details }));

describe("Check: role-unused", () => {
  it("reports roles unused for 90 days, counting from creation for a role never used, and leaves used, young and service-linked roles alone", () => {
    const findings = roles(authorizationDetails());
    expect(summaries(findings)).toEqual([
      "Role old-batch has not been used for 174 days (last used 2026-06-01T02:00:00+00:00 in eu-west-1).",
      "Role never-used has never been used in the 266 days since it was created (2026-03-01T09:00:00+00:00).",
    ]);
    expect(findings.map((finding) => finding.principal)).toEqual([role("old-batch"), role("never-used")]);
    expect(findings[0]?.severity).toBe("LOW");
    expect(findings[0]?.details).toMatchObject({ roleName: "old-batch", lastUsed: "2026-06-01T02:00:00+00:00", lastUsedRegion: "eu-west-1", policies: ["inline:batch"], maxUnusedDays: 90 });
  });

  it("says 'at least 400 days' for an old role without a last use, since IAM tracks only 400 days", () => {
    const details = authorizationDetails();
    details.RoleDetailList = [{ ...details.RoleDetailList[2]!, CreateDate: "2023-01-01T00:00:00+00:00" }];
    expect(summaries(roles(details))).toEqual(["Role never-used has not been used for at least 400 days, as far back as IAM tracks (created 2023-01-01T00:00:00+00:00)."]);
  });

  it("follows the configured window, and a role used again no longer matches", () => {
    const details = authorizationDetails();
    const strict = findingsOf("role-unused", snapshot({ authorizationDetails: details }), { config: { rules: { "role-unused": { maxUnusedDays: 200 } } } });
    expect(strict.map((finding) => finding.principal)).toEqual([role("never-used")]);
    const oldBatch = details.RoleDetailList.find((entry) => entry.RoleName === "old-batch")!;
    oldBatch.RoleLastUsed = { LastUsedDate: new Date(NOW.getTime() - 86_400_000).toISOString(), Region: "eu-west-1" };
    expect(roles(details).map((finding) => finding.principal)).toEqual([role("never-used")]);
  });

  it("never reports a service-linked role, however long unused", () => {
    const details = authorizationDetails();
    details.RoleDetailList = details.RoleDetailList.filter((entry) => entry.Path?.startsWith("/aws-service-role/"));
    expect(details.RoleDetailList).toHaveLength(1);
    expect(roles(details)).toEqual([]);
  });
});
