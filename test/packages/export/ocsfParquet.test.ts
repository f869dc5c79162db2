import type { OcsfFinding } from "@vigil/core";
import { OCSF_FINDING_COLUMNS, type OcsfStruct, ocsfParquet } from "@vigil/export";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { everyOcsfRecord, readParquet } from "./duckdbParquet.ts";

let records: OcsfFinding[];
beforeAll(async () => {
  records = await everyOcsfRecord();
});

describe("Function: ocsfParquet", () => {
  it("writes every record of every rule and posture check as a row DuckDB reads back equal to it", async () => {
    // Act
    const { rows } = await readParquet(ocsfParquet(records));

    // Assess
    expect(records.length).toBeGreaterThan(100);
    expect(rows).toEqual(records);
  });

  it("gives the records' every attribute a value somewhere, so the round trip covers every column", async () => {
    // Act
    const { rows } = await readParquet(ocsfParquet(records));

    // Assess
    const unset = leafPaths(OCSF_FINDING_COLUMNS).filter((path) => !rows.some((row) => hasValue(row, path.split("."))));
    expect(unset).toEqual([]);
  });

  it("types the columns as OCSF does, so Athena and Security Lake see timestamps, structs and lists", async () => {
    // Act
    const { types } = await readParquet(ocsfParquet(records));

    // Assess
    expect(types.time).toBe("TIMESTAMP WITH TIME ZONE");
    expect(types.type_uid).toBe("BIGINT");
    expect(types.activity_id).toBe("INTEGER");
    expect(types.is_alert).toBe("BOOLEAN");
    expect(types.finding_info).toMatch(/^STRUCT\("uid" VARCHAR, .*"created_time" TIMESTAMP WITH TIME ZONE, /);
    expect(types.resources).toBe('STRUCT("uid" VARCHAR, "type" VARCHAR, "region" VARCHAR, "cloud_partition" VARCHAR, "name" VARCHAR)[]');
    expect(types.metadata).toMatch(/"profiles" VARCHAR\[\]\)$/);
    expect(Object.keys(types)).toEqual(Object.keys(OCSF_FINDING_COLUMNS));
  });

  it("writes no rows for no records", async () => {
    // Act
    const { rows } = await readParquet(ocsfParquet([]));

    // Assess
    expect(rows).toEqual([]);
  });

  it("round-trips any subset of the records in any order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(records, { minLength: 1 }), async (subset) => {
        // Act
        const { rows } = await readParquet(ocsfParquet(subset));

        // Assess
        expect(rows).toEqual(subset);
      }),
      { numRuns: 40 },
    );
  });

  it("cannot leave out an attribute OcsfFinding gains", () => {
    // @ts-expect-error: the description has no column for the new attribute
    const columns: OcsfStruct<OcsfFinding & { confidence_id: number }> = OCSF_FINDING_COLUMNS;
    expect(columns).toBeDefined();
  });
});

/** The dotted paths of the description's scalar columns, a list's element under the list's own name. */
function leafPaths(struct: object, at = ""): string[] {
  return Object.entries(struct).flatMap(([name, { of }]: [string, { of: unknown }]) => shapePaths(of, `${at}${name}`));
}

function shapePaths(shape: unknown, path: string): string[] {
  if (typeof shape === "string") return [path];
  if (shape !== null && typeof shape === "object" && "list" in shape) return shapePaths(shape.list, path);
  if (shape !== null && typeof shape === "object" && "struct" in shape) return leafPaths(shape.struct as object, `${path}.`);
  throw new Error(`not a column shape at ${path}`);
}

function hasValue(value: unknown, path: string[]): boolean {
  if (Array.isArray(value)) return value.some((element) => hasValue(element, path));
  const [name, ...rest] = path;
  if (name === undefined) return value !== undefined;
  return value !== null && typeof value === "object" && hasValue((value as Record<string, unknown>)[name], rest);
}
