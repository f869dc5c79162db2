import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createFindingStore, type FindingStore, StoreLockedError, TableMismatchError } from "@vigil/store-dynamodb";
import { ensureFindingsTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFinding } from "./findingFactory.ts";

const TABLE = "vigil-findings";
const LOCAL_INDEX = resolve(import.meta.dirname, "../../../packages/store-dynamodb/src/local/index.ts");

let directory: string;
const running: RunningDynalite[] = [];

async function open(path?: string): Promise<{ dynalite: RunningDynalite; store: FindingStore }> {
  const dynalite = await startDynalite(path === undefined ? {} : { path });
  running.push(dynalite);
  await ensureFindingsTable(dynalite.client, TABLE);
  return { dynalite, store: createFindingStore({ client: dynalite.client, tableName: TABLE }) };
}

/** Starts dynalite on `path` in another Node process and reports what happened there. */
async function openInAnotherProcess(path: string): Promise<{ name: string; message: string; stderr: string }> {
  const script = `
    import { startDynalite } from ${JSON.stringify(LOCAL_INDEX)};
    try {
      const dynalite = await startDynalite({ path: ${JSON.stringify(path)} });
      await dynalite.close();
      console.log(JSON.stringify({ name: "opened", message: "" }));
    } catch (error) {
      console.log(JSON.stringify({ name: error.name, message: error.message }));
    }`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 20_000 });
  return { ...(JSON.parse(stdout.trim().split("\n").at(-1)!) as { name: string; message: string }), stderr };
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "vigil-dynalite-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((dynalite) => dynalite.close()));
  await rm(directory, { recursive: true, force: true });
});

describe("Function: startDynalite", () => {
  it("answers only clients signing with this run's key: another local process cannot read or change the findings", async () => {
    const { dynalite } = await open();
    const client = (credentials: { accessKeyId: string; secretAccessKey: string }) => new DynamoDBClient({ endpoint: dynalite.endpoint, region: "us-east-1", credentials });

    const outsider = await client({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "anything" }).send(new ListTablesCommand({})).catch((error: unknown) => error);
    const ours = await client(dynalite.credentials).send(new ListTablesCommand({}));

    expect(outsider).toMatchObject({ name: "UnrecognizedClientException" });
    expect(ours.TableNames).toEqual([TABLE]);
    expect(dynalite.credentials.accessKeyId).not.toBe((await open()).dynalite.credentials.accessKeyId);
  });

  it("listens on 127.0.0.1 on an ephemeral port and keeps an in-memory store to itself", async () => {
    const first = await open();
    const second = await open();
    await first.store.writer.putFindings([makeFinding(1)]);

    expect(first.dynalite.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(second.dynalite.endpoint).not.toBe(first.dynalite.endpoint);
    expect(await second.store.reader.getFinding(makeFinding(1).id)).toBeUndefined();
  });

  it("keeps the findings on disk across close() and a restart on the same directory, creating it when missing", async () => {
    // Prepare
    const path = join(directory, "nested", "store");
    const findings = [1, 2, 3].map((n) => makeFinding(n));
    const before = await open(path);
    await before.store.writer.putFindings(findings);
    await before.store.triage.setStatus(findings[0]!.id, "acknowledged");
    await before.dynalite.close();

    // Act
    const after = await open(path);

    // Assess
    expect(await after.store.reader.getFinding(findings[1]!.id)).toStrictEqual(findings[1]);
    expect((await after.store.reader.listFindings({ status: "acknowledged" })).items).toStrictEqual([{ ...findings[0], status: "acknowledged" }]);
    expect(await after.store.writer.putFindings(findings)).toEqual({ created: [], existing: findings.map((f) => f.id) });
  });

  it("refuses a second open of the same directory in this process with StoreLockedError, and leaves the first working", async () => {
    const path = join(directory, "store");
    const first = await open(path);

    const failure = await startDynalite({ path }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StoreLockedError);
    expect((failure as StoreLockedError).path).toBe(path);
    expect((failure as StoreLockedError).message).toBe(`${path} is already open in another process (only one may use an on-disk store at a time)`);
    await expect(first.store.writer.putFindings([makeFinding(1)])).resolves.toMatchObject({ created: [makeFinding(1)] });
  });

  it("refuses a second process with StoreLockedError, not a stack trace, and lets it in once the first has closed", async () => {
    const path = join(directory, "store");
    const first = await open(path);

    const whileOpen = await openInAnotherProcess(path);
    await first.dynalite.close();
    const afterClose = await openInAnotherProcess(path);

    expect(whileOpen.name).toBe("StoreLockedError");
    expect(whileOpen.message).toContain(path);
    expect(whileOpen.stderr).not.toMatch(/\n\s+at /);
    expect(afterClose.name).toBe("opened");
  });

  it("closes more than once without error", async () => {
    const { dynalite } = await open(join(directory, "store"));

    await dynalite.close();

    await expect(dynalite.close()).resolves.toBeUndefined();
  });
});

describe("Function: ensureFindingsTable", () => {
  it("creates the table once and accepts it on later calls, concurrent ones included", async () => {
    const { dynalite } = await open();

    await Promise.all([ensureFindingsTable(dynalite.client, "twice"), ensureFindingsTable(dynalite.client, "twice")]);

    await expect(ensureFindingsTable(dynalite.client, "twice")).resolves.toBeUndefined();
  });

  it("rejects an existing table without the findings indexes with TableMismatchError", async () => {
    const { dynalite } = await open();
    await dynalite.client.send(
      new CreateTableCommand({
        TableName: "other",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );

    await expect(ensureFindingsTable(dynalite.client, "other")).rejects.toBeInstanceOf(TableMismatchError);
  });
});
