import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { BatchImportFindingsCommand, type BatchImportFindingsCommandInput, BatchUpdateFindingsCommand, type BatchUpdateFindingsCommandInput, LimitExceededException, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { OwnAccountClients, S3OcsfWriter, SecurityHubImporter } from "@vigil/export";
import { FindingExport, OcsfTarget, SecurityHubTarget } from "@vigil/monitor";
import { ExportOutbox, type FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type S3rverHandle, startS3rver } from "../cloudtrail/s3rverServer.ts";
import { readParquet } from "../export/duckdbParquet.ts";
import { fakeClock, importAnswer, updateAnswer } from "../export/securityHubFixtures.ts";
import { freshStore, makeFinding, movableClock } from "../store-dynamodb/findingFactory.ts";

const NOW = Date.parse("2026-12-01T00:00:00.000Z");
const REGION = "us-east-1";
const BUCKET = "security-lake-vigil";
const PREFIX = "ext/vigil/1.0";
const clock = movableClock(NOW);
const hub = mockClient(SecurityHubClient);

let dynalite: RunningDynalite;
let s3: S3rverHandle;
beforeAll(async () => {
  [dynalite, s3] = await Promise.all([startDynalite(), startS3rver([BUCKET])]);
});
afterAll(async () => {
  await Promise.all([dynalite?.close(), s3?.close()]);
});
beforeEach(() => {
  clock.ms = NOW;
  hub.reset();
  hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
  hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input));
});

let prefixes = 0;

/** The deployed export as the function wires it: the store's outbox, the Security Hub importer (SDK mocked) and the Parquet writer on s3rver. */
async function deployment(): Promise<{ store: FindingStore; exporter: (owner?: string) => FindingExport; prefix: string }> {
  const store = await freshStore(dynalite, { now: clock.now, exportChanges: true });
  const prefix = `${PREFIX}/${++prefixes}`;
  const hubClock = fakeClock();
  const importer = new SecurityHubImporter({ region: REGION, clients: new OwnAccountClients({ account: "111122223333", client: new SecurityHubClient({ region: REGION }) }), sleep: hubClock.sleep, now: hubClock.now });
  const writer = new S3OcsfWriter({ client: s3.client, bucket: BUCKET, prefix, now: clock.now });
  const outbox = new ExportOutbox(store.table, ["securityHub", "ocsf"]);
  return { store, prefix, exporter: () => new FindingExport({ queue: outbox, targets: [new SecurityHubTarget(importer), new OcsfTarget(writer, "1.2.3")] }) };
}

const imported = () => hub.commandCalls(BatchImportFindingsCommand).flatMap((call) => call.args[0].input.Findings ?? []);
const workflowUpdates = () => hub.commandCalls(BatchUpdateFindingsCommand).map((call) => ({ status: call.args[0].input.Workflow?.Status, ids: (call.args[0].input.FindingIdentifiers ?? []).map(({ Id }) => Id) }));

/** Every OCSF row written under `prefix`, object by object in key order, as DuckDB reads them. */
async function ocsfRows(prefix: string): Promise<{ key: string; rows: Record<string, unknown>[] }[]> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
  const keys = (listed.Contents ?? []).map(({ Key }) => Key as string).sort();
  return Promise.all(
    keys.map(async (key) => {
      const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return { key, rows: (await readParquet(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).rows as Record<string, unknown>[] };
    }),
  );
}

describe("Class: FindingExport (Security Hub and OCSF on S3, through the store's export outbox)", () => {
  it("follows a finding through its whole lifecycle: Security Hub always holds its latest state, S3 one row per change", async () => {
    // Prepare
    const { store, exporter, prefix } = await deployment();
    const finding = makeFinding(1);
    await store.writer.putFindings([finding]);
    const sweep = async (at: number) => {
      clock.ms = at;
      return exporter().sweep({ owner: `sweep-${at}` });
    };

    // Act
    const first = await sweep(NOW + 60_000);
    clock.ms = NOW + 120_000;
    await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });
    await sweep(NOW + 180_000);
    clock.ms = NOW + 240_000;
    await store.triage.transition(finding.id, { action: "suppress", actor: "alice", reason: "change window" });
    clock.ms = NOW + 250_000;
    await store.triage.transition(finding.id, { action: "resolve", actor: "bob" });
    await sweep(NOW + 300_000);
    clock.ms = NOW + 360_000;
    await store.triage.transition(finding.id, { action: "reopen", actor: "bob", reason: "seen again" });
    await sweep(NOW + 420_000);
    const idle = await sweep(NOW + 480_000);

    // Assess: Security Hub
    expect(first).toMatchObject({ claimed: 1, done: 1, pending: 0, sinks: { securityHub: { sent: 1, failed: [] }, ocsf: { sent: 1, failed: [] } } });
    expect(imported().map(({ Workflow, RecordState, UpdatedAt }) => [Workflow?.Status, RecordState, UpdatedAt])).toEqual([
      ["NEW", "ACTIVE", new Date(NOW).toISOString()],
      ["NOTIFIED", "ACTIVE", new Date(NOW + 120_000).toISOString()],
      ["RESOLVED", "ARCHIVED", new Date(NOW + 250_000).toISOString()],
      ["NEW", "ACTIVE", new Date(NOW + 360_000).toISOString()],
    ]);
    // A re-import cannot change Workflow, so each later state is also set with BatchUpdateFindings.
    expect(workflowUpdates()).toEqual([
      { status: "NOTIFIED", ids: [finding.id] },
      { status: "RESOLVED", ids: [finding.id] },
      { status: "NEW", ids: [finding.id] },
    ]);
    expect(idle).toMatchObject({ claimed: 0, done: 0 });

    // Assess: OCSF, one object per sweep, a row per change in order, each at its change's time
    const objects = await ocsfRows(prefix);
    expect(objects.map(({ key }) => key.replace(/\/[^/]+$/, ""))).toEqual(Array(4).fill(`${prefix}/region=us-east-1/accountId=111122223333/eventDay=20261201`));
    expect(objects.map(({ rows }) => rows.map((row) => [row.status, (row.finding_info as { modified_time: number }).modified_time]))).toEqual([
      [["New", NOW]],
      [["In Progress", NOW + 120_000]],
      [
        ["Suppressed", NOW + 240_000],
        ["Resolved", NOW + 250_000],
      ],
      [["New", NOW + 360_000]],
    ]);
  });

  it("retries a throttled Security Hub on the next sweep with the state of then, never the older one, and does not write S3's rows twice", async () => {
    // Prepare
    const { store, exporter, prefix } = await deployment();
    const finding = makeFinding(2);
    await store.writer.putFindings([finding]);
    hub.on(BatchImportFindingsCommand).rejects(new LimitExceededException({ message: "Rate exceeded", $metadata: {} }));

    // Act
    clock.ms = NOW + 60_000;
    const throttled = await exporter().sweep({ owner: "sweep-1" });
    clock.ms = NOW + 120_000;
    await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
    const attemptsWhileThrottled = imported().length;
    clock.ms = NOW + 180_000;
    const recovered = await exporter().sweep({ owner: "sweep-2" });

    // Assess
    expect(throttled).toMatchObject({ claimed: 1, done: 0, pending: 1, sinks: { ocsf: { sent: 1 }, securityHub: { sent: 0 } } });
    expect(throttled.sinks.securityHub?.failed).toEqual([{ id: finding.id, error: expect.stringContaining("LimitExceededException") }]);
    expect(throttled.oldestFailedChangeAt).toBe(new Date(NOW).toISOString());
    expect(attemptsWhileThrottled).toBe(4);
    expect(recovered).toMatchObject({ claimed: 1, done: 1, pending: 0 });
    expect(imported().slice(attemptsWhileThrottled).map(({ Workflow, UpdatedAt }) => [Workflow?.Status, UpdatedAt])).toEqual([["NOTIFIED", new Date(NOW + 120_000).toISOString()]]);
    expect(workflowUpdates()).toEqual([{ status: "NOTIFIED", ids: [finding.id] }]);
    const rows = (await ocsfRows(prefix)).flatMap((object) => object.rows.map((row) => row.status));
    expect(rows).toEqual(["New", "In Progress"]);
  });

  it("brings again only the findings Security Hub refused in FailedFindings", async () => {
    const { store, exporter } = await deployment();
    const findings = [makeFinding(3), makeFinding(4), makeFinding(5)];
    await store.writer.putFindings(findings);
    const refusedId = findings[1]!.id;
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input, { [refusedId]: { ErrorCode: "InvalidInput", ErrorMessage: "Finding could not be processed" } }));

    clock.ms = NOW + 60_000;
    const partial = await exporter().sweep({ owner: "sweep-1" });
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
    clock.ms = NOW + 120_000;
    const retry = await exporter().sweep({ owner: "sweep-2" });

    expect(partial).toMatchObject({ claimed: 3, done: 2, pending: 1 });
    expect(partial.sinks.securityHub?.failed).toEqual([{ id: refusedId, error: expect.stringContaining("InvalidInput") }]);
    expect(retry).toMatchObject({ claimed: 1, done: 1, sinks: { securityHub: { sent: 1 }, ocsf: { sent: 0 } } });
    expect(imported().map(({ Id }) => Id).slice(3)).toEqual([refusedId]);
  });

  it("sends each change once when two sweeps run at the same moment", async () => {
    const { store, exporter, prefix } = await deployment();
    const findings = Array.from({ length: 40 }, (_, n) => makeFinding(10 + n));
    await store.writer.putFindings(findings);

    clock.ms = NOW + 60_000;
    const [a, b] = await Promise.all([exporter().sweep({ owner: "sweep-a" }), exporter().sweep({ owner: "sweep-b" })]);

    expect(a.claimed + b.claimed).toBe(40);
    expect(a.done + b.done).toBe(40);
    expect(imported().map(({ Id }) => Id).sort()).toEqual(findings.map(({ id }) => id).sort());
    const rows = (await ocsfRows(prefix)).flatMap((object) => object.rows.map((row) => (row.finding_info as { uid: string }).uid));
    expect(rows.sort()).toEqual(findings.map(({ id }) => id).sort());
  });
});
