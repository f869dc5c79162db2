import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { toOcsf, type OcsfFinding } from "@vigil/core";
import { tempDir } from "../../helpers/cli.ts";
import { everyPostureFinding, ruleFixtureFindings } from "../../helpers/exportFindings.ts";

/**
 * One toOcsf record of every finding of every rule's fixtures and every posture check; every other
 * one in an account with a name (which no fixture has), so cloud.account.name is both set and absent.
 */
export async function everyOcsfRecord(): Promise<OcsfFinding[]> {
  const findings = [...(await ruleFixtureFindings()).map(({ finding }) => finding), ...everyPostureFinding()];
  return findings.map((finding, i) => toOcsf(i % 2 === 0 ? { ...finding, accountName: "production" } : finding, { version: "1.2.3" }));
}

/** A Parquet file as DuckDB reads it: its rows (plain JSON values, see plain) and the type DuckDB gives each column. */
export interface ReadBack {
  rows: unknown[];
  types: Record<string, string>;
}

let connection: Promise<DuckDBConnection> | undefined;
const directory = tempDir("vigil-parquet-");
let files = 0;

/** Reads the bytes with DuckDB's own Parquet reader, a reader independent of the writer. */
export async function readParquet(bytes: Uint8Array): Promise<ReadBack> {
  connection ??= DuckDBInstance.create().then((instance) => instance.connect());
  const file = join(directory, `${files++}.parquet`);
  writeFileSync(file, bytes);
  const result = await (await connection).runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
  const types = Object.fromEntries(result.columnNames().map((name, i) => [name, String(result.columnTypes()[i])]));
  return { rows: result.getRowObjectsJS().map(plain), types };
}

/**
 * DuckDB's value as the record had it: a NULL is an absent attribute, a TIMESTAMP its epoch
 * milliseconds, a BIGINT a number.
 */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).flatMap(([key, inner]) => (inner === null ? [] : [[key, plain(inner)]])));
  }
  return value;
}
