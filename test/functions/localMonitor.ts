import type { PublishCommandInput } from "@aws-sdk/client-sns";
import type { Finding } from "@vigil/core";
import { parseOrganizationSettings } from "@vigil/monitor";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, ensureStateTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { vi } from "vitest";
import { asFunction } from "./awsRequests.ts";
import { REGION, TOPIC_ARN } from "./lambdaEvents.ts";

/**
 * The deployed monitor in this process: the real handler modules, loaded with the environment the
 * stack gives them, their DynamoDB clients pointed at dynalite through the SDK's standard
 * AWS_ENDPOINT_URL_DYNAMODB. SNS, IAM, SSM and Secrets Manager are left to aws-sdk-client-mock in each test file.
 */

export const SLACK_WEBHOOK_PARAMETER = "/vigil/slack-webhook";
export const CURSOR_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:vigil-prod-CursorSecret-a1B2c3";

export type EvaluateModule = typeof import("../../functions/evaluate.ts");
export type RetryModule = typeof import("../../functions/retryNotifications.ts");
export type NotifySlackModule = typeof import("../../functions/notifySlack.ts");
export type ApiModule = typeof import("../../functions/api.ts");
export type ExportModule = typeof import("../../functions/exportFindings.ts");

export interface LocalMonitor {
  dynalite: RunningDynalite;
  close(): Promise<void>;
}

/** dynalite, and the environment every handler container shares. Call once per test file. */
export async function startLocalMonitor(): Promise<LocalMonitor> {
  const dynalite = await startDynalite();
  const env: Record<string, string> = {
    AWS_REGION: REGION,
    // The handlers' clients sign with the embedded store's per-run key, as the deployed ones sign with their role's.
    AWS_ACCESS_KEY_ID: dynalite.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynalite.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    // Powertools 2.x: the logger writes to the global console (captured by captureLogs), metrics
    // print nothing, the tracer does not wrap clients or handlers.
    POWERTOOLS_DEV: "true",
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_METRICS_NAMESPACE: "Vigil",
    POWERTOOLS_TRACE_ENABLED: "false",
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return {
    dynalite,
    close: async () => {
      vi.unstubAllEnvs();
      await dynalite.close();
    },
  };
}

let deployments = 0;

export interface Deployment {
  findingsTable: string;
  stateTable: string;
  /** The findings table as an operator would read it. */
  store: FindingStore;
  /**
   * A new Lambda container of the handler: the module freshly evaluated with this deployment's
   * environment, changed by `overrides` (undefined: the variable is left out).
   */
  evaluate(overrides?: Overrides): Promise<EvaluateModule["handler"]>;
  retryNotifications(overrides?: Overrides): Promise<RetryModule["handler"]>;
  notifySlack(overrides?: Overrides): Promise<NotifySlackModule["handler"]>;
  api(overrides?: Overrides): Promise<ApiModule["handler"]>;
  exportFindings(overrides?: Overrides): Promise<ExportModule["handler"]>;
}

type Overrides = Record<string, string | undefined>;

/** Fresh tables, so that a test sees only its own findings, windows and pending notifications. */
export async function deploy(monitor: LocalMonitor, settings: { vigilConfig?: unknown } = {}): Promise<Deployment> {
  const n = ++deployments;
  const findingsTable = `vigil-test-${n}-FindingsTable`;
  const stateTable = `vigil-test-${n}-StateTable`;
  await ensureFindingsTable(monitor.dynalite.client, findingsTable);
  await ensureStateTable(monitor.dynalite.client, stateTable);
  const environment = {
    FINDINGS_TABLE_NAME: findingsTable,
    STATE_TABLE_NAME: stateTable,
    TOPIC_ARN,
    VIGIL_CONFIG: JSON.stringify(settings.vigilConfig ?? {}),
    RETENTION_DAYS: "90",
    SLACK_WEBHOOK_PARAMETER,
    CURSOR_SECRET_ARN,
    VIGIL_VERSION: "1.2.3",
  };
  /** Module-level code reads the environment, so each container is a fresh evaluation of the module. */
  const container = async <T>(load: () => Promise<T>, overrides: Overrides = {}): Promise<T> => {
    for (const [name, value] of Object.entries({ ...environment, ...overrides })) vi.stubEnv(name, value);
    vi.resetModules();
    return load();
  };
  return {
    findingsTable,
    stateTable,
    store: createFindingStore({ client: monitor.dynalite.client, tableName: findingsTable }),
    evaluate: async (overrides) => {
      const handler = (await container(() => import("../../functions/evaluate.ts"), overrides)).handler;
      // The module has validated ORGANIZATION by now: in organization mode the role also reads the organization's tree.
      const organization = overrides?.ORGANIZATION === undefined ? undefined : parseOrganizationSettings(JSON.parse(overrides.ORGANIZATION));
      return asFunction({ fn: "evaluate", ...(organization ? { organization } : {}) }, handler);
    },
    retryNotifications: async (overrides) =>
      asFunction({ fn: "retryNotifications" }, (await container(() => import("../../functions/retryNotifications.ts"), overrides)).handler),
    notifySlack: async (overrides) => asFunction({ fn: "notifySlack" }, (await container(() => import("../../functions/notifySlack.ts"), overrides)).handler),
    api: async (overrides) => asFunction({ fn: "api" }, (await container(() => import("../../functions/api.ts"), overrides)).handler),
    exportFindings: async (overrides) => {
      const handler = (await container(() => import("../../functions/exportFindings.ts"), overrides)).handler;
      // The module has read where it exports by now: its role grants exactly those.
      const { OCSF_BUCKET: bucket, OCSF_PREFIX: prefix, OCSF_ROLE_ARN: roleArn, SECURITY_HUB_REGION: securityHubRegion } = overrides ?? {};
      const ocsf = bucket ? { ocsf: { bucket, prefix: prefix ?? "", ...(roleArn ? { roleArn } : {}) } } : {};
      return asFunction({ fn: "exportFindings", ...(securityHubRegion ? { securityHubRegion } : {}), ...ocsf }, handler);
    },
  };
}

/** The finding a Publish carried, read back from the JSON body machine subscribers receive. */
export function publishedFinding(input: PublishCommandInput): Finding {
  const bodies = JSON.parse(input.Message ?? "") as Record<string, string>;
  return JSON.parse(bodies.default ?? "") as Finding;
}

export interface CapturedLogs {
  /** Every line the handlers logged, as printed. */
  lines: string[];
  /** The structured entries among them (Powertools logs JSON). */
  entries(): Record<string, unknown>[];
}

/** Captures (and silences) everything written to the console: Powertools logs there in dev mode. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    });
  }
  return {
    lines,
    entries: () =>
      lines.flatMap((line) => {
        try {
          const value = JSON.parse(line) as unknown;
          return value !== null && typeof value === "object" ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
  };
}
