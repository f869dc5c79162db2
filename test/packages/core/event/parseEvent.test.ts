import { hasRecordShape, InvalidInputError, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";

const valid = () => loadFixture<Record<string, unknown>>("rules/root-console-login/negative-iam-user.json");

describe("Function: parseEvent", () => {
  it("keeps every field of a real record, including ones Vigil does not read", () => {
    const record = valid();
    expect(parseEvent(record)).toEqual(record);
  });

  it.each([
    ["eventID", (r: Record<string, unknown>) => delete r.eventID, "eventID: required field is missing"],
    ["eventName", (r: Record<string, unknown>) => (r.eventName = 7), "eventName: Invalid input: expected string, received number"],
    ["userIdentity.type", (r: Record<string, unknown>) => ((r.userIdentity as Record<string, unknown>).type = 7), "userIdentity.type: Invalid input: expected string, received number"],
    ["userIdentity", (r: Record<string, unknown>) => (r.userIdentity = null), "userIdentity: Invalid input"],
    ["requestParameters", (r: Record<string, unknown>) => (r.requestParameters = "x"), "requestParameters: Invalid input: expected record, received string"],
    ["eventTime", (r: Record<string, unknown>) => (r.eventTime = "yesterday"), "eventTime: must be an ISO 8601 instant"],
    ["eventTime", (r: Record<string, unknown>) => (r.eventTime = "2026-13-45T99:00:00Z"), "eventTime: must be an ISO 8601 instant"],
  ])("names the bad field %s", (_field, mutate, message) => {
    const record = valid();
    mutate(record);
    expect(() => parseEvent(record)).toThrow(InvalidInputError);
    expect(() => parseEvent(record)).toThrow(message);
  });

  it("accepts a record without eventTime (some exports strip it), and hasRecordShape agrees", () => {
    const record = valid();
    delete record.eventTime;
    expect(parseEvent(record).eventTime).toBeUndefined();
    expect(hasRecordShape(record)).toBe(true);
  });
});
