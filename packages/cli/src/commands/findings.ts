import { parseArgs } from "node:util";
import { type Finding, parseSeverity } from "@vigil/core";
import type { FindingSummary, HistoryEntry, TriageAction } from "@vigil/store-dynamodb";
import { ApiCallError, type ApiClient } from "../api/ApiClient.ts";
import { openLocalApi } from "../api/localApi.ts";
import { remoteApi } from "../api/remoteApi.ts";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { DEFAULT_STORE_DIR } from "../openStore.ts";
import { FORMATS_USAGE, formatOption } from "../options.ts";
import { renderFindingDetail, renderFindingList, renderTransition } from "../output/findingsOutput.ts";
import { styleFor } from "../output/style.ts";
import { renderSummary } from "../output/summaryOutput.ts";
import { writerFor } from "../output/writerFor.ts";

export const FINDINGS_USAGE = `Usage: vigil findings [list] [filters] [options]
       vigil findings summary [options]
       vigil findings get ID [options]
       vigil findings ack|suppress|resolve|reopen ID [--reason TEXT] [options]

Lists, reads and triages findings: those of the embedded store by default, through
the same API \`vigil serve\` and the deployed monitor run, or those of a deployed API
with --api URL, each request signed with your AWS credentials. Triage is kept in the
finding's history under your identity: local:<user> for the embedded store, your
IAM ARN for a deployed API.

List filters (any combination):
  --severity LEVEL    at or above LEVEL (CRITICAL, HIGH, MEDIUM, LOW, INFO)
  --status STATUS     open, acknowledged, suppressed or resolved
  --rule ID           findings of one rule or posture check
  --principal ARN     findings about what one principal did
  --resource ARN      findings about one resource
  --account ID        findings in one account
  --ou ID             findings of the accounts under an OU or root (ou-..., r-...),
                      at any depth (organization mode)
  --since WHEN        at or after WHEN: an ISO instant, or a duration back (12h, 7d)
  --until WHEN        before WHEN
  --limit N           at most N findings (default 50, at most 1000)

Summary:
  summary             counts of the live findings by severity, status, rule and
                      account (with the account's name in organization mode)

Triage:
  ack ID              acknowledge: someone is looking at it
  suppress ID         expected, hide it: --reason required; --until WHEN ends it
                      (an ISO instant, or a duration ahead such as 30d)
  resolve ID          it is dealt with
  reopen ID           back to open
  --reason TEXT       why; kept in the history

Options:
  --format FORMAT     table or json; list also takes asff and ocsf (see Formats below)
  --store DIR         the embedded store (default: ${DEFAULT_STORE_DIR})
  --api URL           a deployed findings API instead of the store, such as
                      https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com
  --region REGION     with --api: the API's region, when its URL does not say

${FORMATS_USAGE}
`;

const ACTIONS: Record<string, TriageAction> = { ack: "acknowledge", acknowledge: "acknowledge", suppress: "suppress", resolve: "resolve", reopen: "reopen" };
const FILTERS = ["severity", "status", "rule", "principal", "resource", "account", "ou", "since", "limit"] as const;
const MAX_LIST = 1000;
const PAGE = 100;

/** The command-line option for each API parameter, so that a 400 reads as a usage error about what was typed. */
const OPTION_OF: Record<string, string> = {
  ruleId: "--rule",
  severity: "--severity",
  status: "--status",
  principal: "--principal",
  resource: "--resource",
  account: "--account",
  ou: "--ou",
  since: "--since",
  until: "--until",
  limit: "--limit",
  reason: "--reason",
  id: "ID",
};

export async function findingsCommand(argv: string[], io: Io, now: () => number = Date.now): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      severity: { type: "string" },
      status: { type: "string" },
      rule: { type: "string" },
      principal: { type: "string" },
      resource: { type: "string" },
      account: { type: "string" },
      ou: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      limit: { type: "string" },
      reason: { type: "string" },
      format: { type: "string", default: "table" },
      store: { type: "string" },
      api: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(FINDINGS_USAGE);
    return 0;
  }
  const [subcommand = "list", ...ids] = positionals;
  const action = ACTIONS[subcommand];
  if (subcommand !== "list" && subcommand !== "summary" && subcommand !== "get" && !action) {
    throw new UsageError(`unknown subcommand "${subcommand}"; expected list, summary, get, ack, suppress, resolve or reopen`);
  }
  const format = formatOption(values.format);
  // A summary, a history or a triage result is no finding: the finding formats go with list only.
  if ((format === "asff" || format === "ocsf") && subcommand !== "list") throw new UsageError(`--format ${format} goes with list`);
  if (values.api !== undefined && values.store !== undefined) throw new UsageError("give --store or --api, not both");
  if (values.api === undefined && values.region !== undefined) throw new UsageError("--region goes with --api");
  if (values.store === "memory") throw new UsageError("--store memory holds nothing; give the directory a scan wrote to");

  if (subcommand === "list" || subcommand === "summary") {
    if (ids.length > 0) throw new UsageError(`unexpected argument "${ids[0]}"`);
    if (values.reason !== undefined) throw new UsageError("--reason goes with ack, suppress, resolve or reopen");
    // The summary counts every live finding: GET /summary takes no filter.
    const misplaced = subcommand === "summary" ? (FILTERS.find((name) => values[name] !== undefined) ?? (values.until !== undefined ? "until" : undefined)) : undefined;
    if (misplaced) throw new UsageError(`--${misplaced} does not go with summary`);
  } else {
    if (ids.length !== 1) throw new UsageError(`${subcommand}: expected one finding ID`);
    const misplaced = FILTERS.find((name) => values[name] !== undefined) ?? (values.until !== undefined && action !== "suppress" ? "until" : undefined);
    if (misplaced) throw new UsageError(`--${misplaced} does not go with ${subcommand}`);
    if (subcommand === "get" && values.reason !== undefined) throw new UsageError("--reason does not go with get");
  }
  const limit = listLimit(values.limit);
  const client = values.api !== undefined ? remoteApi({ url: values.api, ...(values.region ? { region: values.region } : {}), env: process.env }) : await openLocalApi(values.store ?? DEFAULT_STORE_DIR);
  const style = styleFor(io.stdout);
  try {
    if (subcommand === "list") {
      const query = listQuery(values, now);
      const { items, more } = await listAll(client, query, limit);
      if (format === "asff" || format === "ocsf") {
        const output = writerFor(format, io.stdout, values.region ? { region: values.region } : {});
        for (const item of items) await output.write(item);
        output.end();
      } else if (format === "json") io.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      else io.stdout.write(`${renderFindingList(items, style)}${items.length} finding${items.length === 1 ? "" : "s"} in ${client.location}${more ? " (more match: raise --limit or narrow the filters)" : ""}\n`);
      return 0;
    }
    if (subcommand === "summary") {
      const summary = await client.call<FindingSummary>({ method: "GET", path: "/summary" });
      io.stdout.write(format === "json" ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary, client.location, style));
      return 0;
    }
    const path = `/findings/${encodeURIComponent(ids[0] as string)}`;
    if (subcommand === "get") {
      const { finding, history } = await client.call<{ finding: Finding; history: HistoryEntry[] }>({ method: "GET", path });
      io.stdout.write(format === "json" ? `${JSON.stringify({ finding, history }, null, 2)}\n` : renderFindingDetail(finding, history, style));
      return 0;
    }
    const until = values.until === undefined ? undefined : instant(values.until, "--until", now, 1);
    const result = await client.call<{ finding: Finding; entry: HistoryEntry }>({
      method: "PATCH",
      path,
      body: { action, ...(values.reason === undefined ? {} : { reason: values.reason }), ...(until === undefined ? {} : { until }) },
    });
    io.stdout.write(format === "json" ? `${JSON.stringify(result, null, 2)}\n` : renderTransition(result.finding, result.entry));
    return 0;
  } catch (error) {
    if (error instanceof ApiCallError && error.statusCode === 400) {
      throw new UsageError(error.issues.map((issue) => `${OPTION_OF[issue.parameter] ?? issue.parameter}: ${issue.message}`).join("; ") || error.message, { cause: error });
    }
    throw error;
  } finally {
    await client.close();
  }
}

type Values = Partial<Record<(typeof FILTERS)[number] | "until", string>>;

/** The API's query for the filters given; the API validates the values, the severity is read case-insensitively. */
function listQuery(values: Values, now: () => number): Record<string, string> {
  const query: Record<string, string> = {};
  if (values.severity !== undefined) query.severity = parseSeverity(values.severity) ?? values.severity;
  if (values.status !== undefined) query.status = values.status;
  if (values.rule !== undefined) query.ruleId = values.rule;
  for (const name of ["principal", "resource", "account", "ou"] as const) if (values[name] !== undefined) query[name] = values[name];
  if (values.since !== undefined) query.since = instant(values.since, "--since", now, -1);
  if (values.until !== undefined) query.until = instant(values.until, "--until", now, -1);
  return query;
}

/** Pages through the API until `limit` findings or the end. */
async function listAll(client: ApiClient, query: Record<string, string>, limit: number): Promise<{ items: Finding[]; more: boolean }> {
  const items: Finding[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.call<{ items: Finding[]; cursor?: string }>({
      method: "GET",
      path: "/findings",
      query: { ...query, limit: String(Math.min(PAGE, limit - items.length)), ...(cursor ? { cursor } : {}) },
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor && items.length < limit);
  return { items, more: cursor !== undefined };
}

function listLimit(text: string | undefined): number {
  if (text === undefined) return 50;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > MAX_LIST) throw new UsageError(`--limit: expected a whole number from 1 to ${MAX_LIST}, got "${text}"`);
  return limit;
}

/** A duration (30m, 12h, 7d) counted from now in `direction`, or the text itself, which the API checks as an ISO instant. */
function instant(text: string, option: string, now: () => number, direction: 1 | -1): string {
  return /^\s*\d+[mhd]\s*$/.test(text) ? new Date(now() + direction * parseDuration(text, option)).toISOString() : text;
}
