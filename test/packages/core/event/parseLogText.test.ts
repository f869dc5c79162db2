import { parseLogText } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";

const record = (id: string) => ({
  eventVersion: "1.09",
  eventID: id,
  eventTime: "2026-11-20T08:00:00Z",
  eventSource: "iam.amazonaws.com",
  eventName: "ListUsers",
  userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/maria", accountId: "111122223333", userName: "maria" },
});

describe("Function: parseLogText", () => {
  it("reads the S3 log file envelope record by record", () => {
    const items = [...parseLogText(JSON.stringify({ Records: [record("a"), record("b")] }))];
    expect(items).toEqual([
      { kind: "record", value: record("a"), at: "$.Records[0]" },
      { kind: "record", value: record("b"), at: "$.Records[1]" },
    ]);
  });

  it("unwraps an EventBridge CloudTrail event to its detail", () => {
    const event = loadFixture("rules/root-console-login/positive-with-mfa-eventbridge.json") as { detail: unknown };
    const items = [...parseLogText(JSON.stringify(event, null, 2))];
    expect(items).toEqual([{ kind: "record", value: event.detail, at: "$.detail" }]);
  });

  it("rejects an EventBridge event that is not from CloudTrail, naming detail-type", () => {
    const items = [...parseLogText(JSON.stringify({ "detail-type": "EC2 Instance State-change Notification", detail: {} }))];
    expect(items).toEqual([{ kind: "error", at: "$", message: 'detail-type: not a CloudTrail event ("EC2 Instance State-change Notification")' }]);
  });

  it("reads the LookupEvents answer, whose records are JSON strings", () => {
    const text = JSON.stringify({ Events: [{ EventId: "a", CloudTrailEvent: JSON.stringify(record("a")) }, { EventId: "b", CloudTrailEvent: "{oops" }] });
    const items = [...parseLogText(text)];
    expect(items[0]).toEqual({ kind: "record", value: record("a"), at: "$.Events[0]" });
    expect(items[1]).toMatchObject({ kind: "error", at: "$.Events[1]" });
  });

  it("reads JSON lines of mixed envelopes and reports a bad line without losing the others", () => {
    const text = [
      JSON.stringify(record("a")),
      "{not json",
      "",
      JSON.stringify({ Records: [record("b")] }),
      JSON.stringify({ "detail-type": "AWS API Call via CloudTrail", detail: record("c") }),
    ].join("\n");
    const items = [...parseLogText(text)];
    expect(items.map((item) => item.at)).toEqual(["line 1", "line 2", "line 4.Records[0]", "line 5.detail"]);
    expect(items[1]).toMatchObject({ kind: "error" });
    expect(items.filter((item) => item.kind === "record")).toHaveLength(3);
  });

  it("reports a broken pretty-printed document once, at the line where it broke", () => {
    const text = JSON.stringify({ Records: [record("a")] }, null, 2).replace('"ListUsers"', '"ListUsers",,');
    const items = [...parseLogText(text)];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "error", at: "line 8" });
  });

  it("reports empty input and non-object values", () => {
    expect([...parseLogText("  \n ")]).toEqual([{ kind: "error", message: "empty input", at: "line 1" }]);
    expect([...parseLogText("42")]).toEqual([{ kind: "error", message: "expected a JSON object, got number", at: "$" }]);
    expect([...parseLogText('{"Records": {}}')]).toEqual([{ kind: "error", message: "Records: expected an array", at: "$" }]);
  });

  it("reports arrays nested past any envelope's depth as one located error, without exhausting the stack", () => {
    const items = [...parseLogText(`${"[".repeat(5000)}${JSON.stringify(record("deep"))}${"]".repeat(5000)}`)];
    expect(items).toEqual([{ kind: "error", message: "arrays nested more than 32 deep", at: `$${"[0]".repeat(32)}` }]);
    expect([...parseLogText(JSON.stringify([[record("a")], [[record("b")]]]))].map((item) => item.at)).toEqual(["$[0][0]", "$[1][0][0]"]);
  });
});
