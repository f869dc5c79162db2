import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFinding } from "./findingFactory.ts";

/**
 * dynalite stores an item as separate LevelDB puts: its index entries first, the item last. These
 * tests leave the database as a process killed between those puts would (editing LevelDB directly,
 * as only a kill at the right instant could), then kill a process holding the store open, and open
 * it again: the store must read as if every write had either finished or never begun.
 */

const TABLE = "vigil-findings";
const LOCAL_INDEX = resolve(import.meta.dirname, "../../../packages/store-dynamodb/src/local/index.ts");
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { Level } = requireFromDynalite("level") as { Level: new (path: string, options: { valueEncoding: "json" }) => LevelDatabase };

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  iterator(): AsyncIterable<[string, { id?: { S?: string } }]>;
}

let directory: string;
let path: string;
const running: RunningDynalite[] = [];

async function open(): Promise<FindingStore> {
  const dynalite = await startDynalite({ path });
  running.push(dynalite);
  await ensureFindingsTable(dynalite.client, TABLE);
  return createFindingStore({ client: dynalite.client, tableName: TABLE });
}

async function closeAll(): Promise<void> {
  await Promise.all(running.splice(0).map((dynalite) => dynalite.close()));
}

/** Opens the store in another process and SIGKILLs it there, as a scan killed mid-run would be. */
async function killWhileOpen(): Promise<void> {
  const script = `
    import { startDynalite } from ${JSON.stringify(LOCAL_INDEX)};
    await startDynalite({ path: ${JSON.stringify(path)} });
    process.kill(process.pid, "SIGKILL");`;
  const failure = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 20_000 }).catch((error: unknown) => error);
  expect(failure).toMatchObject({ signal: "SIGKILL" });
}

/** dynalite's own LevelDB records of one finding: its item, or its entry in one index. */
async function records(database: LevelDatabase, id: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key, value] of database.iterator()) if (key.startsWith(prefix) && value.id?.S === id) keys.push(key);
  return keys;
}

async function editLevel(edit: (database: LevelDatabase) => Promise<void>): Promise<void> {
  const database = new Level(path, { valueEncoding: "json" });
  await database.open();
  try {
    await edit(database);
  } finally {
    await database.close();
  }
}

const ITEM = `item-${TABLE}~`;
const STATUS_INDEX = `index-global~${TABLE}~byStatus~`;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "vigil-crash-"));
  path = join(directory, "dynamodb");
});
afterEach(async () => {
  await closeAll();
  await rm(directory, { recursive: true, force: true });
});

describe("Function: startDynalite, after a process died with the store open", () => {
  it("finishes a finding whose index entries were written but not its item: it reads whole, and counts and lists agree", async () => {
    // Prepare
    const findings = [1, 2, 3].map((n) => makeFinding(n));
    await (await open()).writer.putFindings(findings);
    await closeAll();
    await editLevel(async (database) => {
      const [item] = await records(database, findings[1]!.id, ITEM);
      await database.del(item!);
    });
    await killWhileOpen();

    // Act
    const store = await open();

    // Assess
    expect(await store.reader.getFindingWithHistory(findings[1]!.id)).toMatchObject({ finding: findings[1], history: [{ action: "create", to: "open" }] });
    expect((await store.reader.listFindings({ limit: 10 })).items.map((finding) => finding.id).sort()).toEqual(findings.map((finding) => finding.id).sort());
    expect((await store.reader.summarize({ ruleIds: ["iam-user-created"] })).byRule).toEqual({ "iam-user-created": 3 });
    expect(await store.writer.putFindings(findings)).toEqual({ created: [], existing: findings.map((finding) => finding.id) });
  });

  it("finishes a status change whose index entries were written but not its item: every read sees the new status", async () => {
    // Prepare
    const finding = makeFinding(1);
    let before: unknown;
    await (await open()).writer.putFindings([finding]);
    await closeAll();
    await editLevel(async (database) => {
      before = await database.get((await records(database, finding.id, ITEM))[0]!);
    });
    await (await open()).triage.setStatus(finding.id, "acknowledged");
    await closeAll();
    await editLevel(async (database) => database.put((await records(database, finding.id, ITEM))[0]!, before));
    await killWhileOpen();

    // Act
    const store = await open();

    // Assess
    expect((await store.reader.getFinding(finding.id))?.status).toBe("acknowledged");
    expect((await store.reader.listFindings({ status: "open" })).items).toEqual([]);
    expect((await store.reader.listFindings({ status: "acknowledged" })).items).toEqual([{ ...finding, status: "acknowledged" }]);
    expect((await store.reader.summarize({ ruleIds: [] })).byStatus).toMatchObject({ open: 0, acknowledged: 1 });
  });

  it("puts back a finding missing from an index (killed while deleting its old entries)", async () => {
    // Prepare
    const findings = [1, 2].map((n) => makeFinding(n));
    await (await open()).writer.putFindings(findings);
    await closeAll();
    await editLevel(async (database) => {
      for (const key of await records(database, findings[0]!.id, STATUS_INDEX)) await database.del(key);
    });
    await killWhileOpen();

    // Act
    const store = await open();

    // Assess
    expect((await store.reader.listFindings({ status: "open" })).items.map((finding) => finding.id).sort()).toEqual(findings.map((finding) => finding.id).sort());
  });
});
