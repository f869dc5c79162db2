import { vigilVersion } from "@vigil/cli/src/version.ts";
import { PENDING_EXPORT_INDEX } from "@vigil/store-dynamodb";
import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, type Role } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { Cron } from "sst/constructs";
import type { exportFindingsEnvironment } from "../../functions/exportFindings/environment.ts";
import { EXPORT_METRICS } from "../../functions/exportFindings/metrics.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import { securityHubImportRoleName } from "../organization/names.ts";
import type { StageConfig } from "../stageConfig.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { alarmOnFunction, alarmWhenAbove, vigilMetric } from "./operations.ts";
import { createVigilFunction } from "./vigilFunction.ts";

const TIMEOUT = Duration.minutes(5);
/** Security Hub within minutes of a change; OCSF objects a few per partition and hour (one per sweep). */
const SCHEDULE = "rate(5 minutes)";
const SERVICE = "export-findings";
/** A change not exported this long after it happened: Security Hub or the data lake has been wrong for an hour. */
const MAX_UNEXPORTED_AGE_SECONDS = 3600;

/**
 * What the export sweep does, and nothing more: reads the pending index, claims and records exports
 * (UpdateItem, and GetItem when a claim fails to tell busy from gone); imports into the account's
 * own default product and sets the Workflow of its findings in the configured region; in
 * organization mode assumes the members' import role, inside the organization only; puts objects
 * under the OCSF prefix of its bucket, or assumes the Security Lake provider role that may.
 */
export function exportStatements(scope: Construct, config: Pick<StageConfig, "securityHub" | "ocsf" | "organization" | "stage">, findingsTable: ITable): PolicyStatement[] {
  const stack = Stack.of(scope);
  const statements = [
    new PolicyStatement({ sid: "ListPendingExports", actions: ["dynamodb:Query"], resources: [`${findingsTable.tableArn}/index/${PENDING_EXPORT_INDEX}`] }),
    new PolicyStatement({ sid: "ClaimAndRecordExports", actions: ["dynamodb:UpdateItem", "dynamodb:GetItem"], resources: [findingsTable.tableArn] }),
  ];
  if (config.securityHub.enabled) {
    const region = config.securityHub.region;
    const securityHub = (resource: string) => stack.formatArn({ service: "securityhub", region, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    statements.push(
      new PolicyStatement({ sid: "ImportFindings", actions: ["securityhub:BatchImportFindings"], resources: [securityHub(`product/${stack.account}/default`)] }),
      // BatchImportFindings cannot change Workflow after a finding exists; BatchUpdateFindings can, on the account's hub.
      new PolicyStatement({ sid: "SetFindingWorkflow", actions: ["securityhub:BatchUpdateFindings"], resources: [securityHub("hub/default")] }),
    );
    if (config.organization) {
      statements.push(
        new PolicyStatement({
          sid: "AssumeSecurityHubImportRoles",
          actions: ["sts:AssumeRole"],
          resources: [stack.formatArn({ service: "iam", region: "", account: "*", resource: "role", resourceName: securityHubImportRoleName(config.stage) })],
          conditions: { StringEquals: { "aws:ResourceOrgID": config.organization.id } },
        }),
      );
    }
  }
  if (config.ocsf?.roleArn) {
    // Security Lake lets its provider role alone write the custom source's prefix: the function writes as that role.
    statements.push(new PolicyStatement({ sid: "AssumeSecurityLakeProviderRole", actions: ["sts:AssumeRole"], resources: [config.ocsf.roleArn] }));
  } else if (config.ocsf) {
    const keys = config.ocsf.prefix ? `${config.ocsf.prefix}/*` : "*";
    statements.push(new PolicyStatement({ sid: "WriteOcsfObjects", actions: ["s3:PutObject"], resources: [`arn:${stack.partition}:s3:::${config.ocsf.bucket}/${keys}`] }));
  }
  return statements;
}

/**
 * The export sweep, every five minutes, when the stage exports findings (Security Hub, OCSF on S3):
 * sends what changed since the last sweep, and alarms when exports keep failing. Returns its role,
 * which the members' import roles trust in organization mode.
 */
export function createExportFunction(scope: Construct, monitor: MonitorResources): Role {
  const { config, findingsTable, opsTopic } = monitor;
  const { securityHub, ocsf } = config;
  const exporter = createVigilFunction(
    scope,
    "ExportFindings",
    {
      handler: "functions/exportFindings.handler",
      service: SERVICE,
      description: "Sends new and changed findings to Security Hub and writes them to S3 as OCSF",
      timeout: TIMEOUT,
      memorySize: 512,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        // The CLI's version is Vigil's: the OCSF records name it as their product's.
        VIGIL_VERSION: vigilVersion(),
        ...(securityHub.enabled ? { SECURITY_HUB_REGION: securityHub.region } : {}),
        ...(securityHub.enabled && config.organization ? { SECURITY_HUB_IMPORT_ROLE: securityHubImportRoleName(config.stage) } : {}),
        ...(ocsf ? { OCSF_BUCKET: ocsf.bucket, OCSF_PREFIX: ocsf.prefix } : {}),
        ...(ocsf?.roleArn ? { OCSF_ROLE_ARN: ocsf.roleArn } : {}),
        ...(ocsf?.externalId ? { OCSF_EXTERNAL_ID: ocsf.externalId } : {}),
      } satisfies EnvironmentVariables<typeof exportFindingsEnvironment>,
      statements: exportStatements(scope, config, findingsTable),
    },
    config,
  );
  new Cron(scope, "ExportSchedule", { schedule: SCHEDULE, job: { function: exporter.fn } });
  alarmOnFunction(scope, "ExportFindings", exporter.fn, opsTopic);
  alarmWhenAbove(
    scope,
    "UnexportedFindingsAgeAlarm",
    vigilMetric(SERVICE, EXPORT_METRICS.oldestUnexportedAge, "Maximum"),
    MAX_UNEXPORTED_AGE_SECONDS,
    1,
    `A finding's change has waited more than ${MAX_UNEXPORTED_AGE_SECONDS / 60} minutes to reach Security Hub or S3: check the export sweep's logs (Security Hub enabled in the region, the import roles, the bucket policy).`,
    opsTopic,
  );
  return exporter.role;
}
