import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createTableInput, createFindingStore, TableMismatchError } from "@vigil/store-dynamodb";
import { ensureFindingsTable, ensureStateTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFinding } from "./findingFactory.ts";

const TABLE = "vigil-findings";

let dynalite: RunningDynalite;
beforeEach(async () => {
  dynalite = await startDynalite();
});
afterEach(async () => {
  await dynalite?.close();
});

async function tableNames(): Promise<string[]> {
  return (await dynalite.client.send(new ListTablesCommand({}))).TableNames ?? [];
}

async function indexNames(tableName: string): Promise<string[]> {
  const table = (await dynalite.client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  return (table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? "").sort();
}

/** The findings table as the first release made it: every list index, no pending notification or export index. */
async function createFirstReleaseTable(tableName: string): Promise<void> {
  const input = createTableInput(tableName);
  await dynalite.client.send(
    new CreateTableCommand({
      ...input,
      AttributeDefinitions: input.AttributeDefinitions?.filter((attribute) => !["pkPendingNotification", "skNotificationDue", "pkPendingExport", "skExportDue"].includes(attribute.AttributeName ?? "")),
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.filter((index) => !["byPendingNotification", "byPendingExport"].includes(index.IndexName ?? "")),
    }),
  );
}

describe("Function: ensureFindingsTable (tables of an earlier release)", () => {
  it("rebuilds a table without the pending notification and export indexes, keeping every finding and its status", async () => {
    // Prepare
    await createFirstReleaseTable(TABLE);
    const store = createFindingStore({ client: dynalite.client, tableName: TABLE });
    const findings = Array.from({ length: 60 }, (_, n) => makeFinding(n));
    await store.writer.putFindings(findings);
    await store.triage.setStatus(findings[7]!.id, "acknowledged");

    // Act
    await ensureFindingsTable(dynalite.client, TABLE);

    // Assess
    expect(await indexNames(TABLE)).toEqual(expect.arrayContaining(["byPendingNotification", "byPendingExport"]));
    expect(await tableNames()).toEqual([TABLE]);
    expect((await store.reader.listFindings({ status: "acknowledged" })).items).toStrictEqual([{ ...findings[7], status: "acknowledged" }]);
    expect((await store.reader.listFindings({ limit: 100 })).items).toHaveLength(60);
    expect(await store.reader.getFinding(findings[0]!.id)).toStrictEqual(findings[0]);
  });

  it("finishes a rebuild that was killed after the table was deleted, from the backup", async () => {
    // Prepare: a first-release table with findings, then what the rebuild had done when it was killed.
    await createFirstReleaseTable(TABLE);
    const store = createFindingStore({ client: dynalite.client, tableName: TABLE });
    const findings = [1, 2, 3].map((n) => makeFinding(n));
    await store.writer.putFindings(findings);
    const backup = `${TABLE}.rebuild`;
    await dynalite.client.send(
      new CreateTableCommand({
        TableName: backup,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    for (const item of (await dynalite.client.send(new ScanCommand({ TableName: TABLE }))).Items ?? []) {
      await dynalite.client.send(new PutCommand({ TableName: backup, Item: item }));
    }
    await dynalite.client.send(new DeleteTableCommand({ TableName: TABLE }));

    // Act
    await ensureFindingsTable(dynalite.client, TABLE);

    // Assess
    expect(await tableNames()).toEqual([TABLE]);
    expect(await indexNames(TABLE)).toContain("byPendingNotification");
    for (const finding of findings) expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
    expect((await store.reader.listFindings({ status: "open" })).items.map((f) => f.id).sort()).toEqual(findings.map((f) => f.id).sort());
  });

  it("still refuses a table that is not a findings table at all", async () => {
    await dynalite.client.send(
      new CreateTableCommand({
        TableName: "other",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );

    await expect(ensureFindingsTable(dynalite.client, "other")).rejects.toBeInstanceOf(TableMismatchError);
    expect(await tableNames()).toEqual(["other"]);
  });
});

describe("Function: ensureStateTable", () => {
  it("creates the state table once and accepts it on later calls, concurrent ones included", async () => {
    await Promise.all([ensureStateTable(dynalite.client, "vigil-state"), ensureStateTable(dynalite.client, "vigil-state")]);

    await expect(ensureStateTable(dynalite.client, "vigil-state")).resolves.toBeUndefined();
    expect(await tableNames()).toEqual(["vigil-state"]);
  });

  it("refuses a table with another key with TableMismatchError", async () => {
    await ensureFindingsTable(dynalite.client, TABLE);

    const failure = await ensureStateTable(dynalite.client, TABLE).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TableMismatchError);
    expect((failure as Error).message).toBe(`table ${TABLE}: expected partition key pk, found id`);
  });
});
