import { ActionUsage, KEPT_PER_ACTION, OTHER_CODES, type RecordedCall } from "@vigil/core";
import { loadActionResources } from "@vigil/iam-actions";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

const context = { partition: "aws", region: "eu-west-1", account: "111122223333" };
const call = (eventName: string, parameters: Record<string, unknown>, extra: Partial<RecordedCall> = {}): RecordedCall => ({
  eventSource: "s3.amazonaws.com",
  eventName,
  eventTime: "2026-11-20T10:00:00Z",
  requestParameters: parameters,
  context,
  ...extra,
});

describe("ActionUsage: one principal's calls gathered while the archive streams", () => {
  it("keeps an action's resources only where they fit its resource types: a bucket for bucket actions, an object for object actions", () => {
    const usage = new ActionUsage(actions, loadActionResources());
    usage.add(call("GetBucketPolicy", { bucketName: "b" }));
    usage.add(call("GetObject", { bucketName: "b", key: "k/1" }));
    usage.add(call("ListBuckets", {}));
    const used = Object.fromEntries(usage.summary().success.map((use) => [use.action, use.resources]));
    expect(used).toEqual({ GetBucketPolicy: ["arn:aws:s3:::b"], GetObject: ["arn:aws:s3:::b/k/1"], ListAllMyBuckets: [] });
  });

  it("keeps the first distinct resources of an action and counts the calls on the rest, however many", () => {
    const usage = new ActionUsage(actions, loadActionResources());
    for (let i = 0; i < 5000; i++) usage.add(call("GetObject", { bucketName: "b", key: `k/${i}` }, { eventTime: `2026-11-20T10:${String(i % 60).padStart(2, "0")}:00Z` }));
    const [use] = usage.summary().success;
    expect(use?.count).toBe(5000);
    expect(use?.resources).toHaveLength(KEPT_PER_ACTION);
    expect(use?.callsOnOtherResources).toBe(5000 - KEPT_PER_ACTION);
    expect([use?.first, use?.last]).toEqual(["2026-11-20T10:00:00Z", "2026-11-20T10:59:00Z"]);
  });

  it("counts error codes past the kept ones together, so invented codes cannot grow memory", () => {
    const usage = new ActionUsage(actions, loadActionResources());
    for (let i = 0; i < KEPT_PER_ACTION + 50; i++) usage.add(call("GetBucketPolicy", { bucketName: "b" }, { errorCode: `Code${i}` }));
    const codes = usage.summary().failed[0]?.errorCodes ?? {};
    expect(Object.keys(codes)).toHaveLength(KEPT_PER_ACTION + 1);
    expect(codes[OTHER_CODES]).toBe(50);
  });

  it("keeps successful, denied and failed calls apart, with the error codes", () => {
    const usage = new ActionUsage(actions, loadActionResources());
    usage.add(call("GetBucketPolicy", { bucketName: "b" }));
    usage.add(call("GetBucketPolicy", { bucketName: "c" }, { errorCode: "AccessDenied" }));
    usage.add(call("GetBucketPolicy", { bucketName: "d" }, { errorCode: "NoSuchBucketPolicy" }));
    usage.add(call("ConsoleLogin", {}, { eventSource: "signin.amazonaws.com" }));
    const summary = usage.summary();
    expect(summary.success.map((use) => use.resources)).toEqual([["arn:aws:s3:::b"]]);
    expect(summary.denied.map((use) => use.errorCodes)).toEqual([{ AccessDenied: 1 }]);
    expect(summary.failed.map((use) => use.errorCodes)).toEqual([{ NoSuchBucketPolicy: 1 }]);
    expect(summary.notIam).toEqual([{ eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", count: 1, first: "2026-11-20T10:00:00Z", last: "2026-11-20T10:00:00Z" }]);
  });
});
