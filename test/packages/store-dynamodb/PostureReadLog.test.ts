import { PostureReadLog } from "@vigil/store-dynamodb";
import { describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { freshStateTable } from "./findingFactory.ts";

const dynalite = useDynalite();

async function readLog() {
  return new PostureReadLog({ client: dynalite().client, tableName: await freshStateTable(dynalite()) });
}

describe("PostureReadLog", () => {
  it("is empty before the first run, then keeps when each account's read last started", async () => {
    const log = await readLog();
    expect(await log.load()).toEqual({});
    await log.record({ "200000000001": "2026-12-05T06:00:01.000Z", "200000000002": "2026-12-05T06:00:02.000Z" });
    await log.record({ "200000000002": "2026-12-06T06:00:02.000Z" });
    expect(await log.load()).toEqual({ "200000000001": "2026-12-05T06:00:01.000Z", "200000000002": "2026-12-06T06:00:02.000Z" });
  });

  it("never moves an account back: an older run recording last keeps the newer instants", async () => {
    const log = await readLog();
    await log.record({ "200000000001": "2026-12-06T06:00:00.000Z" });
    await log.record({ "200000000001": "2026-12-05T06:00:00.000Z", "200000000003": "2026-12-05T06:00:03.000Z" });
    expect(await log.load()).toEqual({ "200000000001": "2026-12-06T06:00:00.000Z", "200000000003": "2026-12-05T06:00:03.000Z" });
  });

  it("keeps both of two runs recording at once", async () => {
    const log = await readLog();
    await Promise.all([log.record({ "200000000001": "2026-12-05T06:00:00.000Z" }), log.record({ "200000000002": "2026-12-05T06:00:00.000Z" })]);
    expect(Object.keys(await log.load()).sort()).toEqual(["200000000001", "200000000002"]);
  });
});
