import type { OcsfFinding } from "@vigil/core";
import type { SchemaElement } from "hyparquet-writer";

/** OCSF's scalar types as Vigil's records carry them: integer_t, long_t, timestamp_t (epoch ms), string_t, boolean_t. */
export type OcsfScalar = "integer" | "long" | "timestamp" | "string" | "boolean";

/** The column shape a value of type V may have: a number is told apart by OCSF's type, which TS does not carry. */
export type OcsfShape<V> = V extends string
  ? "string"
  : V extends boolean
    ? "boolean"
    : V extends number
      ? "integer" | "long" | "timestamp"
      : V extends readonly (infer E)[]
        ? { list: OcsfShape<E> }
        : V extends object
          ? { struct: OcsfStruct<V> }
          : never;

/**
 * An attribute's column. `required` (OCSF requires it) is allowed only where the TS type always
 * carries the attribute, so a REQUIRED column never meets an absent value; OCSF's recommended and
 * optional attributes are OPTIONAL columns.
 */
export type OcsfAttribute<V> = undefined extends V ? { of: OcsfShape<NonNullable<V>>; required?: never } : { of: OcsfShape<V>; required?: true };

/** Every attribute of T, none left out: a new attribute in the type fails the compile until it has a column. */
export type OcsfStruct<T> = { [K in keyof T]-?: OcsfAttribute<T[K]> };

/** The same description, untyped, as the schema builder and the row conversion walk it. */
export type ColumnShape = OcsfScalar | { list: ColumnShape } | { struct: StructShape };
export type StructShape = Record<string, { of: ColumnShape; required?: true }>;

const string = { of: "string" } as const;
const requiredString = { of: "string", required: true } as const;
const integer = { of: "integer" } as const;
const requiredInteger = { of: "integer", required: true } as const;
const timestamp = { of: "timestamp" } as const;
const strings = { of: { list: "string" } } as const;
const uidName = { of: { struct: { uid: string, name: string } } } as const;
const technique = { of: { struct: { uid: string, name: string, src_url: string } } } as const;

/**
 * OcsfFinding's columns, named as OCSF names its attributes (Security Lake's tables read them by
 * name), required as OCSF 1.6 requires them in the Detection Finding and Compliance Finding classes
 * with the cloud profile. `compliance` is required by Compliance Finding only, so OPTIONAL here.
 */
export const OCSF_FINDING_COLUMNS: OcsfStruct<OcsfFinding> = {
  activity_id: requiredInteger,
  activity_name: string,
  category_uid: requiredInteger,
  category_name: string,
  class_uid: requiredInteger,
  class_name: string,
  // long_t in OCSF (class_uid * 100 + activity_id), a bigint in Security Lake's tables.
  type_uid: { of: "long", required: true },
  type_name: string,
  time: { of: "timestamp", required: true },
  severity_id: requiredInteger,
  severity: string,
  status_id: integer,
  status: string,
  message: string,
  is_alert: { of: "boolean" },
  finding_info: {
    required: true,
    of: {
      struct: {
        uid: requiredString,
        title: string,
        desc: string,
        types: strings,
        created_time: timestamp,
        first_seen_time: timestamp,
        last_seen_time: timestamp,
        modified_time: timestamp,
        src_url: string,
        analytic: { of: { struct: { uid: string, name: string, type_id: requiredInteger, type: string } } },
        related_events: { of: { list: { struct: { uid: requiredString } } } },
        attacks: { of: { list: { struct: { technique, sub_technique: technique, tactic: uidName, tactics: { of: { list: uidName.of } } } } } },
      },
    },
  },
  resources: { of: { list: { struct: { uid: string, type: string, region: string, cloud_partition: string, name: string } } } },
  // Required by the cloud profile, which every record applies.
  cloud: {
    required: true,
    of: {
      struct: {
        provider: requiredString,
        account: { of: { struct: { uid: string, type_id: integer, type: string, name: string } } },
        region: string,
        cloud_partition: string,
      },
    },
  },
  evidences: {
    of: {
      list: {
        struct: {
          actor: { of: { struct: { user: { of: { struct: { uid: string, name: string } } } } } },
          api: { of: { struct: { operation: requiredString, service: { of: { struct: { name: string } } } } } },
          src_endpoint: { of: { struct: { ip: string } } },
        },
      },
    },
  },
  remediation: { of: { struct: { desc: requiredString, references: strings } } },
  compliance: { of: { struct: { standards: strings, requirements: strings, control: string, status_id: integer, status: string } } },
  metadata: {
    required: true,
    of: {
      struct: {
        product: { required: true, of: { struct: { name: string, vendor_name: string, version: string } } },
        version: requiredString,
        uid: string,
        profiles: strings,
      },
    },
  },
};

const SCALARS: Record<OcsfScalar, Omit<SchemaElement, "name" | "repetition_type">> = {
  integer: { type: "INT32" },
  long: { type: "INT64" },
  // Epoch milliseconds, an instant: isAdjustedToUTC, so readers show it as UTC whatever their zone.
  timestamp: { type: "INT64", converted_type: "TIMESTAMP_MILLIS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" } },
  string: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
  boolean: { type: "BOOLEAN" },
};

/**
 * The Parquet schema (depth-first, root first) of OCSF_FINDING_COLUMNS: objects as groups, arrays
 * as the standard 3-level LIST (`<name> LIST { repeated group list { element } }`) with required
 * elements (Vigil's arrays hold no nulls), scalars as in SCALARS.
 */
export const OCSF_PARQUET_SCHEMA: SchemaElement[] = [
  { name: "root", num_children: Object.keys(OCSF_FINDING_COLUMNS).length },
  ...structChildren(OCSF_FINDING_COLUMNS),
];

function structChildren(struct: StructShape): SchemaElement[] {
  return Object.entries(struct).flatMap(([name, attribute]) => column(name, attribute.of, attribute.required ? "REQUIRED" : "OPTIONAL"));
}

function column(name: string, shape: ColumnShape, repetition: "REQUIRED" | "OPTIONAL"): SchemaElement[] {
  if (typeof shape === "string") return [{ name, repetition_type: repetition, ...SCALARS[shape] }];
  if ("list" in shape) {
    return [
      { name, repetition_type: repetition, num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      ...column("element", shape.list, "REQUIRED"),
    ];
  }
  return [{ name, repetition_type: repetition, num_children: Object.keys(shape.struct).length }, ...structChildren(shape.struct)];
}
