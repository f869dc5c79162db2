import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The findings table, as plain data, so the infrastructure stack and the embedded store create the
 * identical table. One item per finding, keyed by its (deterministic) id; every list access pattern
 * is a global secondary index whose partition key is a copy of one finding field and whose sort key
 * is `<time>#<id>` (time = eventTime, else detectedAt, as a 24-character ISO instant), newest first
 * when queried backwards. A sparse index holds the findings whose notification is still pending.
 * See packages/store-dynamodb/README.md.
 */

/** Names of the attributes the store adds to a finding's own; never returned to callers. */
export const KEY_ATTRIBUTES = {
  id: "id",
  status: "pkStatus",
  severity: "pkSeverity",
  ruleId: "pkRule",
  principal: "pkPrincipal",
  resource: "pkResource",
  account: "pkAccount",
  time: "skTime",
  /** The channel ("sns") while a finding's notification is pending; absent once it is delivered. */
  pendingNotification: "pkPendingNotification",
  /** `<instant>#<id>`: when the pending notification may next be claimed (now, or when its lease ends). */
  notificationDue: "skNotificationDue",
  /** "export" while a change of the finding is not yet exported everywhere it goes; only on a table that exports. */
  pendingExport: "pkPendingExport",
  /** `<instant>#<id>`: when the pending export may next be claimed (now, or when the sweep's lease ends). */
  exportDue: "skExportDue",
} as const;

/** Epoch seconds after which an item is gone; the TTL attribute of both tables. */
export const EXPIRES_AT_ATTRIBUTE = "expiresAt";

export const INDEX_NAMES = {
  status: "byStatus",
  severity: "bySeverity",
  ruleId: "byRule",
  principal: "byPrincipal",
  resource: "byResource",
  account: "byAccount",
} as const;

/** The sparse index the notification retry sweep reads instead of scanning. */
export const PENDING_NOTIFICATION_INDEX = "byPendingNotification";

/** The sparse index the export sweep reads: findings with a change not yet exported. */
export const PENDING_EXPORT_INDEX = "byPendingExport";

/** The finding fields a list can be partitioned by. */
export type AccessPattern = keyof typeof INDEX_NAMES;
export const ACCESS_PATTERNS = Object.keys(INDEX_NAMES) as AccessPattern[];

export interface GlobalIndexDefinition {
  partitionKey: string;
  sortKey: string;
  projection: "ALL";
}

/** What the infrastructure stack needs to build a table: every key attribute is a string. */
export interface TableDefinition {
  billingMode: "PAY_PER_REQUEST";
  partitionKey: string;
  /** Every key attribute of the table and its indexes, all strings. */
  attributes: readonly string[];
  globalIndexes: Readonly<Record<string, GlobalIndexDefinition>>;
  /** Enable TTL on it (a separate UpdateTimeToLive call); correctness never depends on it. */
  timeToLiveAttribute: string;
}

type FindingsIndexName = (typeof INDEX_NAMES)[AccessPattern] | typeof PENDING_NOTIFICATION_INDEX | typeof PENDING_EXPORT_INDEX;

export const FINDINGS_TABLE = {
  billingMode: "PAY_PER_REQUEST",
  partitionKey: KEY_ATTRIBUTES.id,
  attributes: Object.values(KEY_ATTRIBUTES),
  globalIndexes: {
    ...(Object.fromEntries(
      ACCESS_PATTERNS.map((pattern) => [INDEX_NAMES[pattern], { partitionKey: KEY_ATTRIBUTES[pattern], sortKey: KEY_ATTRIBUTES.time, projection: "ALL" }]),
    ) as Record<(typeof INDEX_NAMES)[AccessPattern], GlobalIndexDefinition>),
    [PENDING_NOTIFICATION_INDEX]: { partitionKey: KEY_ATTRIBUTES.pendingNotification, sortKey: KEY_ATTRIBUTES.notificationDue, projection: "ALL" },
    [PENDING_EXPORT_INDEX]: { partitionKey: KEY_ATTRIBUTES.pendingExport, sortKey: KEY_ATTRIBUTES.exportDue, projection: "ALL" },
  } as Record<FindingsIndexName, GlobalIndexDefinition>,
  timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE,
} as const satisfies TableDefinition;

/** The CreateTable request for the findings table (TTL is a separate UpdateTimeToLive call on AWS). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return toCreateTableInput(FINDINGS_TABLE, tableName);
}

export function toCreateTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const indexes = Object.entries(definition.globalIndexes);
  return {
    TableName: tableName,
    BillingMode: definition.billingMode,
    AttributeDefinitions: definition.attributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [{ AttributeName: definition.partitionKey, KeyType: "HASH" }],
    // DynamoDB refuses an empty list of indexes.
    ...(indexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: indexes.map(([indexName, index]) => ({
            IndexName: indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: index.projection },
          })),
        }),
  };
}
