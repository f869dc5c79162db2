import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding } from "./findingFactory.ts";

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

/** The store's client, recording the name of every command sent through it. */
function recordingClient(sent: string[]): DynamoDBDocumentClient {
  return new Proxy(dynalite.client, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return (command: object) => {
        sent.push(command.constructor.name);
        return target.send(command as never);
      };
    },
  });
}

describe("Class: FindingStore", () => {
  describe("Method: putFindings with precheck: false", () => {
    it("writes without reading first, where the default reads which findings are stored", async () => {
      // Prepare
      const { table: { name: tableName } } = await freshStore(dynalite);
      const sent: string[] = [];
      const store = createFindingStore({ client: recordingClient(sent), tableName });

      // Act
      await store.writer.putFindings([makeFinding(1), makeFinding(2)], { precheck: false });
      const withoutCheck = sent.splice(0);
      await store.writer.putFindings([makeFinding(3)]);

      // Assess
      expect(withoutCheck).toEqual(["PutCommand", "PutCommand"]);
      expect(sent).toEqual(["BatchGetCommand", "PutCommand"]);
    });

    it("still creates a finding once and reports the stored ones as existing, a triaged one untouched", async () => {
      // Prepare
      const store = await freshStore(dynalite);
      const [triaged, stored, fresh] = [makeFinding(1), makeFinding(2), makeFinding(3)];
      await store.writer.putFindings([triaged, stored], { precheck: false });
      await store.triage.setStatus(triaged.id, "acknowledged");

      // Act
      const result = await store.writer.putFindings([triaged, stored, fresh, fresh], { precheck: false });

      // Assess
      expect(result).toEqual({ created: [fresh], existing: [triaged.id, stored.id, fresh.id] });
      expect((await store.reader.getFinding(triaged.id))?.status).toBe("acknowledged");
    });

    it("creates each finding once when writers put the same findings at the same moment", async () => {
      // Prepare
      const store = await freshStore(dynalite);
      const pool = Array.from({ length: 50 }, (_, n) => makeFinding(n));
      const writers = Array.from({ length: 4 }, () => createFindingStore({ client: dynalite.client, tableName: store.table.name }));

      // Act
      const results = await Promise.all(writers.map((writer) => writer.writer.putFindings(pool, { precheck: false })));

      // Assess
      const created = results.flatMap((result) => result.created.map((finding) => finding.id));
      expect([...created].sort()).toEqual(pool.map((finding) => finding.id).sort());
      expect(results.reduce((sum, result) => sum + result.existing.length, 0)).toBe(pool.length * (writers.length - 1));
    });
  });
});
