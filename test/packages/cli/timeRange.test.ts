import { UsageError } from "@vigil/cli/src/errors.ts";
import { parseInstant, scanWindow } from "@vigil/cli/src/scan/timeRange.ts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const NOW = new Date("2026-12-05T19:00:00Z");
const instant = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true });

describe("Function: parseInstant", () => {
  it("reads back any instant written as ISO 8601 in UTC, with or without seconds and milliseconds", () => {
    fc.assert(
      fc.property(instant, (date) => {
        const iso = date.toISOString();
        expect(parseInstant(iso, "--until", NOW)).toEqual(date);
        expect(parseInstant(`${iso.slice(0, 16)}Z`, "--until", NOW)).toEqual(new Date(`${iso.slice(0, 16)}:00Z`));
      }),
    );
  });

  it("reads the same instant whatever offset writes it", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -12 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
        fc.pre(shifted.getUTCFullYear() >= 1970 && shifted.getUTCFullYear() <= 9999);
        const sign = offsetMinutes < 0 ? "-" : "+";
        const offset = `${sign}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0")}:${String(Math.abs(offsetMinutes) % 60).padStart(2, "0")}`;
        expect(parseInstant(`${shifted.toISOString().slice(0, 23)}${offset}`, "--since", NOW)).toEqual(date);
      }),
    );
  });

  it("reads a day as its midnight UTC, and a duration back from now", () => {
    expect(parseInstant("2026-11-20", "--since", NOW).toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(parseInstant("7d", "--since", NOW).toISOString()).toBe("2026-11-28T19:00:00.000Z");
    expect(parseInstant("90m", "--until", NOW).toISOString()).toBe("2026-12-05T17:30:00.000Z");
  });

  it.each([
    ["2026-11-20T08:35", "has no time zone"],
    ["2026-02-29", "is no real date or time"],
    ["2026-11-20T24:00Z", "is no real date or time"],
    ["2026-11-20T08:61Z", "is no real date or time"],
    ["20261120", "expected a duration"],
    ["7 days", "expected a duration"],
    ["", "expected a duration"],
  ])("refuses %j, naming the option", (text, message) => {
    expect(() => parseInstant(text, "--until", NOW)).toThrow(UsageError);
    expect(() => parseInstant(text, "--until", NOW)).toThrow(`--until: `);
    expect(() => parseInstant(text, "--until", NOW)).toThrow(message);
  });
});

describe("Function: scanWindow", () => {
  it("defaults to the last 7 days up to now", () => {
    expect(scanWindow({}, NOW)).toEqual({ since: new Date("2026-11-28T19:00:00Z"), until: NOW });
  });

  it("refuses a window that ends before it starts", () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        fc.pre(a.getTime() >= b.getTime());
        expect(() => scanWindow({ since: a.toISOString(), until: b.toISOString() }, NOW)).toThrow("must be before --until");
      }),
    );
  });
});
