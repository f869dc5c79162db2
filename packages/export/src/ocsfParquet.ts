import type { OcsfFinding } from "@vigil/core";
import { parquetWriteBuffer } from "hyparquet-writer";
import { type ColumnShape, OCSF_FINDING_COLUMNS, OCSF_PARQUET_SCHEMA, type StructShape } from "./ocsfParquetSchema.ts";

/** What ocsfParquet compresses its pages with: hyparquet-writer's built-in SNAPPY, pure JavaScript, and what Security Lake writes itself. */
export const OCSF_PARQUET_CODEC = "SNAPPY";

/**
 * The records as one Parquet file, one row per record in their order, every attribute a typed
 * column (OCSF_PARQUET_SCHEMA: structs, lists, UTC millisecond timestamps), so Athena and
 * Security Lake query the attributes themselves rather than a JSON string.
 */
export function ocsfParquet(records: readonly OcsfFinding[]): Uint8Array {
  const columns: StructShape = OCSF_FINDING_COLUMNS;
  const buffer = parquetWriteBuffer({
    schema: OCSF_PARQUET_SCHEMA,
    codec: OCSF_PARQUET_CODEC,
    columnData: Object.entries(columns).map(([name, attribute]) => ({
      name,
      data: records.map((record) => parquetValue((record as unknown as Record<string, unknown>)[name], attribute.of)),
    })),
    createdBy: "Vigil",
  });
  return new Uint8Array(buffer);
}

/** The value as the writer takes it: the writer writes an INT64 only from a bigint (timestamps it converts itself). */
function parquetValue(value: unknown, shape: ColumnShape): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape === "long") return BigInt(value as number);
  if (typeof shape === "string") return value;
  if ("list" in shape) return (value as unknown[]).map((element) => parquetValue(element, shape.list));
  const struct = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(shape.struct).map(([name, attribute]) => [name, parquetValue(struct[name], attribute.of)]));
}
