import type { Trail } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { findingsOf, ROOT, snapshot, summaries } from "../snapshot.ts";

const ID = "cloudtrail-not-healthy";
const trail = (name: string, changes: Partial<Trail> = {}): Trail => ({
  name,
  arn: `arn:aws:cloudtrail:eu-west-1:111122223333:trail/${name}`,
  homeRegion: "eu-west-1",
  isMultiRegionTrail: true,
  isLogging: true,
  logFileValidationEnabled: true,
  includesManagementEvents: true,
  ...changes,
});

describe("Check: cloudtrail-not-healthy", () => {
  it("is silent when one trail is healthy, whatever the others", () => {
    expect(findingsOf(ID, snapshot({ trails: [trail("regional", { isMultiRegionTrail: false }), trail("main")] }))).toEqual([]);
  });

  it("reports what is wrong with each trail when none is healthy, counting a shadow trail once", () => {
    const stopped = trail("main", { isLogging: false });
    const shadow = { ...stopped }; // DescribeTrails in another region lists the same trail again
    const findings = findingsOf(ID, snapshot({ trails: [stopped, shadow, trail("audit", { isMultiRegionTrail: false, logFileValidationEnabled: false, includesManagementEvents: false })] }));
    expect(findings.map(({ severity, principal, resource, summary }) => ({ severity, principal, resource, summary }))).toEqual([
      {
        severity: "HIGH",
        principal: ROOT,
        resource: ROOT,
        summary:
          "No CloudTrail trail records management events in every region with log file validation: main is not logging; audit covers its home region only and has no log file validation and does not record all management events.",
      },
    ]);
    expect(findings[0]?.details?.trails).toHaveLength(2);
  });

  it("reports an account without trails", () => {
    expect(summaries(findingsOf(ID, snapshot({ trails: [] })))).toEqual(["The account has no CloudTrail trail."]);
  });
});
