import { FINDINGS_TABLE, STATE_TABLE } from "@vigil/store-dynamodb";
import type { StackContext } from "sst/constructs";
import { stageConfigOf } from "./appConfig.ts";
import { createApiFunction } from "./monitor/apiFunction.ts";
import { createEvaluateFunction } from "./monitor/evaluateFunction.ts";
import { createExportFunction } from "./monitor/exportFunction.ts";
import type { MonitorResources } from "./monitor/monitorResources.ts";
import { createNotifySlackFunction } from "./monitor/notifySlackFunction.ts";
import { createFindingsTopic } from "./monitor/notifications.ts";
import { createOpsTopic } from "./monitor/operations.ts";
import { createPostureFunction } from "./monitor/postureFunction.ts";
import { createRetryNotificationsFunction } from "./monitor/retryNotificationsFunction.ts";
import { createTable } from "./monitor/tables.ts";
import { allowOrganizationOnHomeBus } from "./organization/homeBusPolicy.ts";
import { createSpokeStackSet } from "./organization/spokeStackSet.ts";
import { exportsFindings } from "./stageConfig.ts";

/**
 * The monitor, in the home region: CloudTrail events from the default bus (this region's and what
 * the forwarders send) queue for the evaluate function, which stores findings and publishes new
 * ones to the findings topic; emails and the Slack queue subscribe to it with severity filters, and
 * a sweep re-publishes findings whose notification failed; when the stage exports findings, another
 * sends every change to Security Hub and to S3 as OCSF. On its own schedule the posture function
 * checks the account's state and publishes a digest. Dead letters, function errors and
 * throttles, and undeliverable events alarm on the ops topic. Each function, with its environment,
 * role, feed and alarms, is built in its own module under monitor/.
 *
 * In organization mode the home bus also takes events from the organization's accounts, which a
 * StackSet gives a spoke (organization/): their rules forward to this bus, and the posture run
 * assumes their audit role.
 */
export function Monitor({ stack, app }: StackContext) {
  const config = stageConfigOf(app);
  const monitor: MonitorResources = {
    config,
    findingsTable: createTable(stack, "FindingsTable", FINDINGS_TABLE, config),
    stateTable: createTable(stack, "StateTable", STATE_TABLE, config),
    findingsTopic: createFindingsTopic(stack, config),
    opsTopic: createOpsTopic(stack, config),
  };
  const events = createEvaluateFunction(stack, monitor);
  createRetryNotificationsFunction(stack, monitor);
  const postureRole = createPostureFunction(stack, monitor);
  const apis = createApiFunction(stack, monitor);
  if (config.slack) createNotifySlackFunction(stack, monitor, config.slack);
  const exportRole = exportsFindings(config) ? createExportFunction(stack, monitor) : undefined;
  // Only Security Hub needs the members: an import must come from the finding's own account.
  const importRole = config.securityHub.enabled ? exportRole : undefined;
  if (config.organization) {
    allowOrganizationOnHomeBus(stack, config.organization);
    createSpokeStackSet(stack, config, config.organization, postureRole, importRole);
  }

  const { findingsTable, stateTable, findingsTopic, opsTopic } = monitor;
  stack.addOutputs({
    FindingsTableName: findingsTable.tableName,
    FindingsTopicArn: findingsTopic.topic.topicArn,
    OpsTopicArn: opsTopic.topicArn,
    // The management account's spoke stack takes it as its PostureRoleArn parameter.
    ...(config.organization ? { PostureRoleArn: postureRole.roleArn } : {}),
    // What an OCSF bucket's policy lets put objects, and, with Security Hub, the spoke's ExportRoleArn parameter.
    ...(exportRole ? { ExportRoleArn: exportRole.roleArn } : {}),
    ...Object.fromEntries(apis.map((httpApi) => [`${httpApi.node.id}Url`, httpApi.apiEndpoint])),
  });
  return { findingsTable, stateTable, topic: findingsTopic.topic, opsTopic, eventsQueue: events.queue };
}
