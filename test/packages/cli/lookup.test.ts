import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { main } from "@vigil/cli";
import type { Finding } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadFixture } from "../../helpers/fixtures.ts";
import { captureIo } from "../../helpers/io.ts";

const cloudTrail = mockClient(CloudTrailClient);
const record = (loadFixture("rules/root-console-login/positive-without-mfa.json") as { Records: Record<string, unknown>[] }).Records[0];

describe("CLI: vigil scan --lookup-events", () => {
  afterEach(() => cloudTrail.reset());

  it("evaluates events read from LookupEvents over the requested window", async () => {
    cloudTrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventId: "3f2a7c4e-61b0-4f7e-9a55-0d7b3c1e2f90",
          EventName: "ConsoleLogin",
          ReadOnly: "false",
          EventTime: new Date("2026-11-20T08:14:09Z"),
          EventSource: "signin.amazonaws.com",
          Username: "root",
          Resources: [],
          CloudTrailEvent: JSON.stringify(record),
        },
      ],
    });
    const { io, out } = captureIo();
    const before = Date.now();
    const code = await main(["scan", "--lookup-events", "--since", "2d", "--region", "us-east-1", "--store", "memory", "--format", "json"], io);
    expect(code).toBe(0);
    expect((JSON.parse(out.stdout) as Finding[]).map((f) => f.ruleId)).toContain("root-console-login");
    const input = cloudTrail.commandCalls(LookupEventsCommand)[0]?.args[0].input;
    const span = (input?.EndTime as Date).getTime() - (input?.StartTime as Date).getTime();
    expect(span).toBe(2 * 86_400_000);
    expect((input?.EndTime as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect(out.stderr).toMatch(/Read 1 event from CloudTrail LookupEvents in us-east-1 over the last 2d \(0 skipped\)/);
  });
});
