import {
  GenerateServiceLastAccessedDetailsCommand,
  type GenerateServiceLastAccessedDetailsCommandInput,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandInput,
  type GetServiceLastAccessedDetailsResponse,
  IAMClient,
  IAMServiceException,
} from "@aws-sdk/client-iam";
import { AwsCallError, readServiceLastAccessed, type ReadServiceLastAccessedOptions, rotationSlice } from "@vigil/aws-iam";
import { InvalidInputError } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsResponse } from "./awsResponses.ts";

const iam = mockClient(IAMClient);
const client = new IAMClient({ region: "us-east-1" });
const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

const ANA = "arn:aws:iam::111122223333:user/ana";
const DEPLOYER = "arn:aws:iam::111122223333:user/automation/ci-deployer";
const SUPPORT = "arn:aws:iam::111122223333:role/aws-support";
/** Seven candidates, deliberately out of ARN order. */
const SEVEN = ["g", "c", "a", "f", "b", "e", "d"].map((name) => `arn:aws:iam::111122223333:user/${name}`);

const jobOf = (arn: string) => `job-${arn.replace(/^.*\//, "")}`;
const completed = () => awsResponse<GetServiceLastAccessedDetailsResponse>("iam/get-service-last-accessed-details-completed.json");
const inProgress = () => awsResponse<GetServiceLastAccessedDetailsResponse>("iam/get-service-last-accessed-details-in-progress.json");
const throttled = () => new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", ...metadata(400) });
const denied = (arn: string) =>
  new IAMServiceException({
    name: "AccessDenied",
    $fault: "client",
    message: `User: arn:aws:sts::111122223333:assumed-role/vigil-posture/scheduled is not authorized to perform: iam:GenerateServiceLastAccessedDetails on resource: ${arn}`,
    ...metadata(403),
  });

/** Reads with a recorded, instant sleep and a clock only the sleeps move. */
async function read(principals: readonly string[], options: ReadServiceLastAccessedOptions = {}) {
  const sleeps: number[] = [];
  let clock = 1_764_000_000_000;
  const calls: Record<string, number> = {};
  const result = await readServiceLastAccessed(
    client,
    {
      calls,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    },
    principals,
    options,
  );
  return { ...result, calls, sleeps };
}

function generated(): (string | undefined)[] {
  return iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).map((call) => call.args[0].input.Arn);
}

describe("Function: readServiceLastAccessed", () => {
  beforeEach(() => {
    iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake((input: GenerateServiceLastAccessedDetailsCommandInput) => ({ JobId: jobOf(input.Arn ?? "") }));
    iam.on(GetServiceLastAccessedDetailsCommand).resolves(completed());
  });
  afterEach(() => iam.reset());

  it("polls a job politely until COMPLETED and keeps its services with ISO times", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolvesOnce(inProgress()).resolvesOnce(inProgress()).resolves(completed());

    const { accesses, notRead, candidates, selected, calls, sleeps } = await read([ANA]);

    expect(iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).map((call) => call.args[0].input)).toEqual([{ Arn: ANA, Granularity: "ACTION_LEVEL" }]);
    expect(iam.commandCalls(GetServiceLastAccessedDetailsCommand).map((call) => call.args[0].input)).toEqual([
      { JobId: "job-ana", MaxItems: 1000 },
      { JobId: "job-ana", MaxItems: 1000 },
      { JobId: "job-ana", MaxItems: 1000 },
    ]);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(calls).toEqual({ "iam:GenerateServiceLastAccessedDetails": 1, "iam:GetServiceLastAccessedDetails": 3 });
    expect(notRead).toEqual([]);
    expect({ candidates, selected }).toEqual({ candidates: 1, selected: 1 });
    expect(accesses).toEqual([
      {
        arn: ANA,
        jobCompletedAt: "2026-11-20T08:41:07.241Z",
        services: [
          {
            ServiceName: "Amazon S3",
            ServiceNamespace: "s3",
            LastAuthenticated: "2026-11-18T22:04:00.000Z",
            LastAuthenticatedEntity: "arn:aws:iam::111122223333:user/backup-agent",
            LastAuthenticatedRegion: "us-east-1",
            TotalAuthenticatedEntities: 1,
            TrackedActionsLastAccessed: [
              { ActionName: "PutObject", LastAccessedEntity: "arn:aws:iam::111122223333:user/backup-agent", LastAccessedTime: "2026-11-18T22:04:00.000Z", LastAccessedRegion: "us-east-1" },
              { ActionName: "GetObject" },
            ],
          },
          { ServiceName: "AWS Identity and Access Management", ServiceNamespace: "iam", TotalAuthenticatedEntities: 0 },
        ],
      },
    ]);
  });

  it("waits at most 5 s between polls", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolvesOnce(inProgress()).resolvesOnce(inProgress()).resolvesOnce(inProgress()).resolvesOnce(inProgress()).resolves(completed());

    const { accesses, sleeps } = await read([ANA]);

    expect(sleeps).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(accesses).toHaveLength(1);
  });

  it("reads every page of a completed job's services", async () => {
    const [s3, iamService] = completed().ServicesLastAccessed ?? [];
    iam
      .on(GetServiceLastAccessedDetailsCommand)
      .callsFake((input: GetServiceLastAccessedDetailsCommandInput) =>
        input.Marker === "services-2" ? { ...completed(), ServicesLastAccessed: [iamService], IsTruncated: false } : { ...completed(), ServicesLastAccessed: [s3], IsTruncated: true, Marker: "services-2" },
      );

    const { accesses, calls } = await read([ANA]);

    expect(iam.commandCalls(GetServiceLastAccessedDetailsCommand).map((call) => call.args[0].input)).toEqual([
      { JobId: "job-ana", MaxItems: 1000 },
      { JobId: "job-ana", MaxItems: 1000, Marker: "services-2" },
    ]);
    expect(accesses[0]?.services.map((service) => service.ServiceNamespace)).toEqual(["s3", "iam"]);
    expect(calls["iam:GetServiceLastAccessedDetails"]).toBe(2);
  });

  it("leaves a principal whose job FAILED unread with the job's error, and reads the others", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand, { JobId: "job-ci-deployer" }).resolves({
      ...inProgress(),
      JobStatus: "FAILED",
      JobCompletionDate: new Date("2026-11-20T08:41:09Z"),
      Error: { Code: "InternalFailure", Message: "The report could not be generated." },
    });

    const { accesses, notRead } = await read([ANA, DEPLOYER, SUPPORT]);

    expect(accesses.map((access) => access.arn)).toEqual([SUPPORT, ANA]);
    expect(notRead).toEqual([
      {
        arn: DEPLOYER,
        operation: "iam:GetServiceLastAccessedDetails",
        code: "InternalFailure",
        reason: "iam:GetServiceLastAccessedDetails: job job-ci-deployer FAILED: InternalFailure: The report could not be generated.",
      },
    ]);
  });

  it("leaves a job still in progress at the run's deadline for a later run", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolves(inProgress());

    const { accesses, notRead, sleeps, calls } = await read([ANA], { maxWaitMs: 10_000 });

    expect(accesses).toEqual([]);
    expect(notRead).toEqual([
      {
        arn: ANA,
        operation: "iam:GetServiceLastAccessedDetails",
        reason: "iam:GetServiceLastAccessedDetails: job job-ana still IN_PROGRESS when the run's time for Access Advisor was spent; it will be read on a later run",
      },
    ]);
    // The last wait is cut to what is left of the 10 s.
    expect(sleeps).toEqual([1000, 2000, 4000, 3000]);
    expect(calls["iam:GetServiceLastAccessedDetails"]).toBe(4);
  });

  it("ends even when the injected sleep passes no time", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolves(inProgress());
    const clock = 1_764_000_000_000;

    const result = await readServiceLastAccessed(client, { calls: {}, sleep: async () => {}, now: () => clock }, [ANA], { maxWaitMs: 12_000 });

    expect(result.notRead).toHaveLength(1);
    expect(result.notRead[0]?.reason).toContain("it will be read on a later run");
  });

  it("starts no job once the run's time is spent", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolves(inProgress());

    // Three at a time: the fourth principal's turn comes after the first three spent the 5 s.
    const { notRead, calls } = await read(SEVEN.slice(0, 4), { maxWaitMs: 5_000 });

    expect(calls["iam:GenerateServiceLastAccessedDetails"]).toBe(3);
    expect(notRead).toHaveLength(4);
    expect(notRead.find((entry) => entry.operation === "iam:GenerateServiceLastAccessedDetails")?.reason).toBe(
      "not started within the run's 5000 ms for Access Advisor; it will be read on a later run",
    );
  });

  it("retries a throttled Generate with backoff and counts each attempt", async () => {
    iam.on(GenerateServiceLastAccessedDetailsCommand).rejectsOnce(throttled()).resolves({ JobId: "job-ana" });

    const { accesses, calls, sleeps } = await read([ANA]);

    expect(accesses.map((access) => access.arn)).toEqual([ANA]);
    expect(sleeps).toEqual([1000, 1000]);
    expect(calls).toEqual({ "iam:GenerateServiceLastAccessedDetails": 2, "iam:GetServiceLastAccessedDetails": 1 });
  });

  it("takes maxJobsPerRun principals by ARN, the next ones on the next rotation, wrapping around", async () => {
    const sorted = SEVEN.toSorted();

    const day0 = await read(SEVEN, { maxJobsPerRun: 3, rotation: 0 });
    expect(generated()).toEqual(sorted.slice(0, 3));
    expect(day0.accesses.map((access) => access.arn)).toEqual(sorted.slice(0, 3));
    expect({ candidates: day0.candidates, selected: day0.selected }).toEqual({ candidates: 7, selected: 3 });
    expect(day0.calls).toEqual({ "iam:GenerateServiceLastAccessedDetails": 3, "iam:GetServiceLastAccessedDetails": 3 });

    iam.resetHistory();
    await read(SEVEN, { maxJobsPerRun: 3, rotation: 1 });
    expect(generated()).toEqual(sorted.slice(3, 6));

    iam.resetHistory();
    await read(SEVEN, { maxJobsPerRun: 3, rotation: 2 });
    expect(generated()).toEqual([sorted[6], sorted[0], sorted[1]]);
  });

  it("reads every principal at least once every ceil(N / cap) rotations", () => {
    const seen = new Set<string>();
    for (let rotation = 20_000; rotation < 20_000 + Math.ceil(SEVEN.length / 3); rotation++) for (const arn of rotationSlice(SEVEN, 3, rotation)) seen.add(arn);
    expect(seen.size).toBe(SEVEN.length);
    expect(rotationSlice(SEVEN, 10, 5)).toEqual(SEVEN.toSorted());
    expect(rotationSlice([], 3, 1)).toEqual([]);
  });

  it("makes no call when maxJobsPerRun is 0", async () => {
    const { accesses, notRead, candidates, selected, calls } = await read(SEVEN, { maxJobsPerRun: 0 });

    expect(iam.calls()).toHaveLength(0);
    expect(calls).toEqual({});
    expect({ accesses, notRead, candidates, selected }).toEqual({ accesses: [], notRead: [], candidates: 7, selected: 0 });
  });

  it("fails as a whole when the first Generate is refused: the caller may not use Access Advisor", async () => {
    iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake((input: GenerateServiceLastAccessedDetailsCommandInput) => {
      throw denied(input.Arn ?? "");
    });

    const error = await read([ANA, DEPLOYER, SUPPORT]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: "iam:GenerateServiceLastAccessedDetails", code: "AccessDenied" });
    // Only the probe was sent, not one refusal per principal.
    expect(generated()).toEqual([SUPPORT]);
  });

  it("leaves a principal refused later unread and reads the others", async () => {
    iam.on(GenerateServiceLastAccessedDetailsCommand, { Arn: DEPLOYER }).rejects(denied(DEPLOYER));

    const { accesses, notRead } = await read([ANA, DEPLOYER, SUPPORT]);

    expect(accesses.map((access) => access.arn)).toEqual([SUPPORT, ANA]);
    expect(notRead).toEqual([
      {
        arn: DEPLOYER,
        operation: "iam:GenerateServiceLastAccessedDetails",
        code: "AccessDenied",
        reason: expect.stringMatching(/^iam:GenerateServiceLastAccessedDetails: AccessDenied: User: .* is not authorized/),
      },
    ]);
  });

  it("leaves a principal with a malformed answer unread, naming the field", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand).resolves({ ...completed(), ServicesLastAccessed: [{ ServiceName: "Amazon S3", ServiceNamespace: undefined }] });

    const { notRead } = await read([ANA]);

    expect(notRead[0]?.reason).toMatch(/^iam:GetServiceLastAccessedDetails: arn:aws:iam::111122223333:user\/ana: malformed answer: services\[0\]\.ServiceNamespace: /);
  });

  it("refuses malformed options before calling AWS", async () => {
    await expect(read([ANA], { maxJobsPerRun: -1 })).rejects.toThrow(InvalidInputError);
    await expect(read([ANA], { maxJobsPerRun: 1.5 })).rejects.toThrow("maxJobsPerRun");
    await expect(read([ANA], { rotation: Number.NaN })).rejects.toThrow("rotation");
    expect(iam.calls()).toHaveLength(0);
  });
});
