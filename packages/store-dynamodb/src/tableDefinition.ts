import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The findings table, as plain data, so the infrastructure stack and the embedded store create the
 * identical table. One item per finding, keyed by its (deterministic) id; every list access pattern
 * is a global secondary index whose partition key is a copy of one finding field and whose sort key
 * is `<time>#<id>` (time = eventTime, else detectedAt, as a 24-character ISO instant), newest first
 * when queried backwards. See packages/store-dynamodb/README.md.
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
} as const;

/** Epoch seconds after which a resolved finding is gone; the table's TTL attribute. */
export const EXPIRES_AT_ATTRIBUTE = "expiresAt";

export const INDEX_NAMES = {
  status: "byStatus",
  severity: "bySeverity",
  ruleId: "byRule",
  principal: "byPrincipal",
  resource: "byResource",
  account: "byAccount",
} as const;

/** The finding fields a list can be partitioned by. */
export type AccessPattern = keyof typeof INDEX_NAMES;
export const ACCESS_PATTERNS = Object.keys(INDEX_NAMES) as AccessPattern[];

export interface GlobalIndexDefinition {
  partitionKey: string;
  sortKey: string;
  projection: "ALL";
}

export const FINDINGS_TABLE = {
  billingMode: "PAY_PER_REQUEST",
  partitionKey: KEY_ATTRIBUTES.id,
  /** Every key attribute of the table and its indexes, all strings. */
  attributes: Object.values(KEY_ATTRIBUTES),
  globalIndexes: Object.fromEntries(
    ACCESS_PATTERNS.map((pattern) => [
      INDEX_NAMES[pattern],
      { partitionKey: KEY_ATTRIBUTES[pattern], sortKey: KEY_ATTRIBUTES.time, projection: "ALL" },
    ]),
  ) as Record<(typeof INDEX_NAMES)[AccessPattern], GlobalIndexDefinition>,
  timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE,
} as const;

/** The CreateTable request for the findings table (TTL is a separate UpdateTimeToLive call on AWS). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: FINDINGS_TABLE.billingMode,
    AttributeDefinitions: FINDINGS_TABLE.attributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [{ AttributeName: FINDINGS_TABLE.partitionKey, KeyType: "HASH" }],
    GlobalSecondaryIndexes: Object.entries(FINDINGS_TABLE.globalIndexes).map(([indexName, index]) => ({
      IndexName: indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
