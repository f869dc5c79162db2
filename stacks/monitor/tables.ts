import type { TableDefinition } from "@vigil/store-dynamodb";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import { TableDefinitionError } from "../errors.ts";
import { removalPolicyFor } from "../removal.ts";
import type { StageConfig } from "../stageConfig.ts";

/**
 * A table built from the same plain-data definition the embedded store creates, so the deployed
 * table and the one the tests run against cannot drift apart.
 *
 * Encryption at rest uses the AWS owned key: DynamoDB encrypts every table, and with the AWS owned
 * key the only gate on the data is IAM on the table, which each role here states exactly. A
 * customer managed key would add a key policy and CloudTrail records of key use, but also a KMS
 * grant on every role that touches the tables and a key whose loss makes a retained table
 * unreadable; nothing in the findings calls for a second gate.
 */
export function createTable(scope: Construct, id: string, definition: TableDefinition, config: StageConfig): Table {
  const attributeType = (name: string) => {
    if (!definition.attributes.includes(name)) throw new TableDefinitionError(`${id}: key attribute ${name} is not among the table's attributes`);
    return AttributeType.STRING;
  };
  const table = new Table(scope, id, {
    partitionKey: { name: definition.partitionKey, type: attributeType(definition.partitionKey) },
    billingMode: BillingMode[definition.billingMode],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.DEFAULT,
    timeToLiveAttribute: definition.timeToLiveAttribute,
    deletionProtection: config.production,
    removalPolicy: removalPolicyFor(config),
  });
  for (const [indexName, index] of Object.entries(definition.globalIndexes)) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: index.partitionKey, type: attributeType(index.partitionKey) },
      sortKey: { name: index.sortKey, type: attributeType(index.sortKey) },
      projectionType: ProjectionType[index.projection],
    });
  }
  return table;
}
