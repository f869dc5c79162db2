import { dayFolders, deliveredAt, deliveredWithin, holdsNoEvents } from "@vigil/cloudtrail";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const DAY_MS = 86_400_000;
const instant = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true });
const keyAt = (date: Date) => {
  const stamp = date.toISOString().slice(0, 16).replaceAll("-", "").replace(":", "");
  return `AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/${date.toISOString().slice(0, 10).replaceAll("-", "/")}/111122223333_CloudTrail_us-east-1_${stamp}Z_AbCdEf123456.json.gz`;
};

describe("Function: dayFolders", () => {
  it("lists every UTC day from since's to until's, once, in order, and nothing else", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 * DAY_MS }), (since, span) => {
        const until = new Date(since.getTime() + span);
        const days = dayFolders(since, until);
        expect(days[0]).toBe(since.toISOString().slice(0, 10).replaceAll("-", "/"));
        expect(days.at(-1)).toBe(until.toISOString().slice(0, 10).replaceAll("-", "/"));
        for (let i = 1; i < days.length; i++) {
          expect(Date.parse(`${(days[i] as string).replaceAll("/", "-")}T00:00:00Z`) - Date.parse(`${(days[i - 1] as string).replaceAll("/", "-")}T00:00:00Z`)).toBe(DAY_MS);
        }
      }),
    );
  });

  it("crosses month, year and leap-day ends as the calendar does", () => {
    expect(dayFolders(new Date("2028-02-28T23:00:00Z"), new Date("2028-03-01T01:00:00Z"))).toEqual(["2028/02/28", "2028/02/29", "2028/03/01"]);
    expect(dayFolders(new Date("2026-12-31T12:00:00Z"), new Date("2027-01-01T00:00:00Z"))).toEqual(["2026/12/31", "2027/01/01"]);
    expect(dayFolders(new Date("2026-11-20T12:00:00Z"), new Date("2026-11-19T12:00:00Z"))).toEqual([]);
  });
});

describe("Function: deliveredAt", () => {
  it("reads the delivery minute from any CloudTrail log file name", () => {
    fc.assert(
      fc.property(instant, (date) => {
        expect(deliveredAt(keyAt(date))?.toISOString()).toBe(`${date.toISOString().slice(0, 16)}:00.000Z`);
      }),
    );
  });

  it("finds no time in a name without one, or with a date the calendar lacks", () => {
    expect(deliveredAt("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/export.json.gz")).toBeUndefined();
    expect(deliveredAt("111122223333_CloudTrail_us-east-1_20260230T0835Z_AbCdEf.json.gz")).toBeUndefined();
    expect(deliveredAt("111122223333_CloudTrail_us-east-1_20261120T2535Z_AbCdEf.json.gz")).toBeUndefined();
  });
});

describe("Function: deliveredWithin", () => {
  it("keeps a file exactly when its delivery minute overlaps [since, until]", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }), fc.integer({ min: 0, max: 2 * DAY_MS }), (delivered, offset, span) => {
        const since = new Date(delivered.getTime() + offset);
        const until = new Date(since.getTime() + span);
        const minute = Math.floor(delivered.getTime() / 60_000) * 60_000;
        const overlaps = minute + 60_000 > since.getTime() && minute <= until.getTime();
        expect(deliveredWithin(keyAt(delivered), since, until)).toBe(overlaps);
      }),
    );
  });

  it("keeps a file whose name carries no time: its day folder is in range, and unread data is worse than a few extra events", () => {
    expect(deliveredWithin("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/renamed.json.gz", new Date(0), new Date(1))).toBe(true);
  });
});

describe("Function: holdsNoEvents", () => {
  it("names the digest and Insights folders and files, and nothing a log file is called", () => {
    expect(holdsNoEvents("CloudTrail-Digest", "directory")).toBe(true);
    expect(holdsNoEvents("CloudTrail-Insight", "directory")).toBe(true);
    expect(holdsNoEvents("CloudTrail", "directory")).toBe(false);
    expect(holdsNoEvents("111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261120T080000Z.json.gz", "file")).toBe(true);
    expect(holdsNoEvents("111122223333_CloudTrail-Insight_us-east-1_20261120T0810Z_Ab1.json.gz", "file")).toBe(true);
    expect(holdsNoEvents("111122223333_CloudTrail_us-east-1_20261120T0835Z_AbCdEf123456.json.gz", "file")).toBe(false);
  });
});
