import { parseArgs } from "node:util";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { atLeast, catalogue, Engine, type Finding, MemoryWindowStore, parseSeverity, type Severity } from "@vigil/core";
import { expandInputs, lookupEvents } from "@vigil/cloudtrail";
import { loadActionCatalog } from "@vigil/iam-catalog";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { loadConfig } from "../loadConfig.ts";
import { DEFAULT_STORE_DIR, type OpenedStore, openStore } from "../openStore.ts";
import { countBySeverity, renderFindingsTable } from "../output/findingsTable.ts";
import { startProgress } from "../output/progress.ts";
import { styleFor } from "../output/style.ts";
import { Scanner } from "../scan/Scanner.ts";
import type { Io } from "../Io.ts";

export const SCAN_USAGE = `Usage: vigil scan PATH... [options]
       vigil scan --lookup-events [--since 7d] [--region REGION] [options]

Evaluates CloudTrail events against Vigil's rules and prints the findings.
PATH is a file, a directory (walked recursively, as CloudTrail delivers logs) or - for stdin;
plain or gzip; a log file {"Records":[...]}, an EventBridge event, a record, or JSON lines.

Options:
  --format table|json     output format (default: table)
  --min-severity LEVEL    print findings at or above LEVEL (CRITICAL, HIGH, MEDIUM, LOW, INFO)
  --fail-on LEVEL         exit 1 when any finding is at or above LEVEL
  --config FILE           JSON configuration (rules, trusted accounts, ignored principals)
  --store DIR|memory      where findings are kept (default: ${DEFAULT_STORE_DIR}); memory keeps none
  --lookup-events         read events from the CloudTrail LookupEvents API instead of files
  --since DURATION        with --lookup-events: how far back (30m, 12h, 7d; default 7d, at most 90d)
  --region REGION         with --lookup-events: the region to read (default: your AWS config)
`;

const BATCH = 200;

export async function scanCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: "string", default: "table" },
      "min-severity": { type: "string" },
      "fail-on": { type: "string" },
      config: { type: "string" },
      store: { type: "string", default: DEFAULT_STORE_DIR },
      "lookup-events": { type: "boolean", default: false },
      since: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SCAN_USAGE);
    return 0;
  }
  const format = values.format;
  if (format !== "table" && format !== "json") throw new UsageError(`--format: expected table or json, got "${format}"`);
  const minSeverity = severityOption(values["min-severity"], "--min-severity") ?? "INFO";
  const failOn = severityOption(values["fail-on"], "--fail-on");
  if (values["lookup-events"] && positionals.length > 0) throw new UsageError("give either PATHs or --lookup-events, not both");
  if (!values["lookup-events"] && positionals.length === 0) throw new UsageError("no PATH given (use - for stdin)");
  if (!values["lookup-events"] && (values.since || values.region)) throw new UsageError("--since and --region go with --lookup-events");
  const sinceMs = parseDuration(values.since ?? "7d", "--since");
  if (sinceMs > 90 * 86_400_000) throw new UsageError("--since: LookupEvents keeps 90 days at most");

  const config = await loadConfig(values.config, catalogue);
  const engine = new Engine({ rules: catalogue, config, windows: new MemoryWindowStore(), now: () => new Date(), actions: loadActionCatalog() });
  const opened: OpenedStore | undefined = values.store === "memory" ? undefined : await openStore(values.store);

  const findings: Finding[] = [];
  const pending: Finding[] = [];
  let created = 0;
  const flush = async () => {
    if (!opened || pending.length === 0) return;
    const result = await opened.store.putFindings(pending.splice(0));
    created += result.created.length;
  };
  const style = styleFor(io.stdout);
  const errStyle = styleFor(io.stderr);
  const started = Date.now();
  const scanner = new Scanner(engine, {
    error: (at, message) => io.stderr.write(`${errStyle.severity("HIGH", "error")} ${at}: ${message}\n`),
    finding: async (finding) => {
      findings.push(finding);
      pending.push(finding);
      if (pending.length >= BATCH) await flush();
    },
  });
  const stopProgress = startProgress(scanner.stats, io.stderr);
  try {
    if (values["lookup-events"]) {
      const client = new CloudTrailClient(values.region ? { region: values.region } : {});
      const endTime = new Date();
      const records = lookupEvents({ client, startTime: new Date(endTime.getTime() - sinceMs), endTime });
      for await (const record of records) await scanner.scanRecord(record.value, record.at);
    } else {
      await scanner.scanSources(expandInputs(positionals, io.readStdin));
    }
    await flush();
  } finally {
    stopProgress();
    await opened?.close();
  }

  const shown = findings.filter((finding) => atLeast(finding.severity, minSeverity));
  const seconds = (Date.now() - started) / 1000;
  const { stats } = scanner;
  const summary =
    `Scanned ${stats.files} file${stats.files === 1 ? "" : "s"}, ${stats.events} event${stats.events === 1 ? "" : "s"} ` +
    `(${stats.skipped} skipped${stats.filesSkipped ? `, ${stats.filesSkipped} unreadable file${stats.filesSkipped === 1 ? "" : "s"}` : ""}) in ${seconds.toFixed(1)}s: ` +
    `${findings.length} finding${findings.length === 1 ? "" : "s"}` +
    (findings.length ? ` (${countBySeverity(findings)})` : "") +
    (shown.length < findings.length ? `, ${shown.length} at or above ${minSeverity} shown` : "") +
    (opened ? `; ${created} new in ${opened.location}` : "");
  if (format === "json") {
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    io.stderr.write(`${summary}\n`);
  } else {
    io.stdout.write(renderFindingsTable(shown, style));
    io.stdout.write(`${summary}\n`);
  }
  return failOn && findings.some((finding) => atLeast(finding.severity, failOn)) ? 1 : 0;
}

function severityOption(text: string | undefined, option: string): Severity | undefined {
  if (text === undefined) return undefined;
  const severity = parseSeverity(text);
  if (!severity) throw new UsageError(`${option}: expected CRITICAL, HIGH, MEDIUM, LOW or INFO, got "${text}"`);
  return severity;
}
