import { extractRecords, hasRecordShape, InvalidInputError, parseEvent, parseLogText } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";

const base = loadFixture<Record<string, unknown>>("rules/iam-user-created/negative-access-denied.json");

describe("Properties: event parsing", () => {
  it("parseLogText never throws and locates every item, on any text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.array(fc.json()).map((lines) => lines.join("\n"))), (text) => {
        for (const item of parseLogText(text)) {
          expect(item.at).not.toBe("");
          if (item.kind === "error") expect(item.message).not.toBe("");
        }
      }),
    );
  });

  it("extractRecords never throws on any JSON value", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => void [...extractRecords(value)]));
  });

  it("parseEvent either returns the record or throws InvalidInputError naming a field", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          parseEvent(value);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
        }
      }),
    );
  });

  it("a record that fails the cheap shape check always fails the full schema too", () => {
    const mutated = fc
      .tuple(fc.constantFrom("eventID", "eventSource", "eventName", "userIdentity", "errorCode", "eventTime", "requestParameters"), fc.jsonValue())
      .map(([key, value]) => ({ ...structuredClone(base), [key]: value }));
    fc.assert(
      fc.property(fc.oneof(mutated, fc.anything()), (value) => {
        if (!hasRecordShape(value)) expect(() => parseEvent(value)).toThrow(InvalidInputError);
      }),
    );
  });

  it("JSON lines: N good records and one garbage line give N records and one error, in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.string().filter((s) => !s.includes("\n") && !isJson(s) && s.trim() !== ""), (n, at, garbage) => {
        const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...base, eventID: `id-${i}` }));
        lines.splice((at % n) + 1, 0, garbage); // after the first line, so the text reads as JSON lines
        const items = [...parseLogText(lines.join("\n"))];
        expect(items.filter((item) => item.kind === "record").map((item) => (item as { value: { eventID: string } }).value.eventID)).toEqual(
          Array.from({ length: n }, (_, i) => `id-${i}`),
        );
        expect(items.filter((item) => item.kind === "error")).toHaveLength(1);
      }),
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
