import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { lookupEvents } from "@vigil/cloudtrail";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadFixture } from "../../helpers/fixtures.ts";

const cloudTrail = mockClient(CloudTrailClient);
const record = (loadFixture("rules/iam-user-created/positive-by-access-key.json") as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;

/** One LookupEvents `Events` entry, shaped as the API reference shows it. */
const lookupEvent = (eventId: string) => ({
  EventId: eventId,
  EventName: "CreateUser",
  ReadOnly: "false",
  AccessKeyId: "AKIA6ODU5TEXAMPLE001",
  EventTime: new Date("2026-11-20T08:21:37Z"),
  EventSource: "iam.amazonaws.com",
  Username: "ci-deployer",
  Resources: [{ ResourceType: "AWS::IAM::User", ResourceName: "support-backup" }],
  CloudTrailEvent: JSON.stringify({ ...record, eventID: eventId }),
});

describe("Function: lookupEvents", () => {
  afterEach(() => cloudTrail.reset());

  it("follows NextToken through every page and paces requests under 2 per second", async () => {
    cloudTrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [lookupEvent("e1"), lookupEvent("e2")], NextToken: "page-2" })
      .resolvesOnce({ Events: [lookupEvent("e3")], NextToken: "page-3" })
      .resolvesOnce({ Events: [] });
    let clock = 0;
    const sleeps: number[] = [];
    const start = new Date("2026-11-13T00:00:00Z");
    const end = new Date("2026-11-20T00:00:00Z");
    const seen: unknown[] = [];
    for await (const item of lookupEvents({
      client: new CloudTrailClient({ region: "us-east-1" }),
      startTime: start,
      endTime: end,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    })) {
      seen.push((item.value as { eventID: string }).eventID);
    }
    expect(seen).toEqual(["e1", "e2", "e3"]);
    const calls = cloudTrail.commandCalls(LookupEventsCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      { StartTime: start, EndTime: end, MaxResults: 50 },
      { StartTime: start, EndTime: end, MaxResults: 50, NextToken: "page-2" },
      { StartTime: start, EndTime: end, MaxResults: 50, NextToken: "page-3" },
    ]);
    expect(sleeps).toEqual([500, 500]);
  });

  it("passes a record whose CloudTrailEvent is not JSON on for the caller to report", async () => {
    cloudTrail.on(LookupEventsCommand).resolvesOnce({ Events: [{ ...lookupEvent("e1"), CloudTrailEvent: "{broken" }] });
    const items = [];
    for await (const item of lookupEvents({ client: new CloudTrailClient({ region: "us-east-1" }), startTime: new Date(0), endTime: new Date(1), sleep: async () => {} })) {
      items.push(item);
    }
    expect(items).toEqual([{ value: "{broken", at: "LookupEvents page 1 event 1 (e1)" }]);
  });

  it("turns an API error into an InputError naming LookupEvents", async () => {
    cloudTrail.on(LookupEventsCommand).rejects(Object.assign(new Error("The security token included in the request is invalid."), { name: "UnrecognizedClientException" }));
    const run = async () => {
      for await (const _ of lookupEvents({ client: new CloudTrailClient({ region: "us-east-1" }), startTime: new Date(0), endTime: new Date(1) })) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow("cloudtrail:LookupEvents: The security token included in the request is invalid.");
  });
});
