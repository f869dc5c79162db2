import type { Table } from "aws-cdk-lib/aws-dynamodb";
import type { Topic } from "aws-cdk-lib/aws-sns";
import type { StageConfig } from "../stageConfig.ts";
import type { FindingsTopic } from "./notifications.ts";

/** What the monitor's functions are built around: the stage's settings, the tables, the findings topic, and the ops topic their alarms notify. */
export interface MonitorResources {
  config: StageConfig;
  findingsTable: Table;
  stateTable: Table;
  findingsTopic: FindingsTopic;
  opsTopic: Topic;
}
