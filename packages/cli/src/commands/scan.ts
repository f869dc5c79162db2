import { parseArgs } from "node:util";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { atLeast, catalogue, Engine, type Finding, MemoryWindowStore, printable } from "@vigil/core";
import { expandInputs, type InputSource, isS3Url, lookupEvents } from "@vigil/cloudtrail";
import { loadActionIndex } from "@vigil/iam-actions";
import { EventScan } from "@vigil/monitor";
import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { FINDINGS_RUN_OPTIONS, FORMATS_USAGE, findingsRunOutput, plural } from "../options.ts";
import { loadConfig } from "../loadConfig.ts";
import type { OpenedStore } from "../openStore.ts";
import { renderFindingsTable } from "../output/findingsTable.ts";
import { SeverityCounts } from "../output/SeverityCounts.ts";
import { startProgress } from "../output/progress.ts";
import { readLimits } from "../scan/readLimits.ts";
import { startS3Progress } from "../scan/s3Progress.ts";
import { trailSelection } from "../scan/s3Selection.ts";
import { styleFor } from "../output/style.ts";
import { DEFAULT_STORE_DIR } from "../storeDir.ts";
import { writerFor } from "../output/writerFor.ts";
import type { Io } from "../Io.ts";

export const SCAN_USAGE = `Usage: vigil scan PATH... [options]
       vigil scan s3://BUCKET[/PREFIX] [--since 7d] [--until TIME] [--account ID]... [--region R]... [options]
       vigil scan --lookup-events [--since 7d] [--region REGION] [options]

Evaluates CloudTrail events against Vigil's rules and prints the findings.
PATH is a file, a directory (walked recursively, as CloudTrail delivers logs) or - for stdin;
plain or gzip; a log file {"Records":[...]}, an EventBridge event, a record, or JSON lines.
Directories in the trail layout (AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) may hold
an organization trail; their CloudTrail-Digest and CloudTrail-Insight folders hold no events
Vigil reads and are left out.
s3://BUCKET[/PREFIX] reads a trail (organization or single-account) from its bucket with your
AWS credentials: the bucket root, the trail's key prefix, AWSLogs/ or a folder below it (an
organization, an account, a region). Only the day folders from --since to --until are listed.
Set AWS_ENDPOINT_URL_S3 to read from an S3-compatible server (MinIO) instead of AWS.

Options:
  --format FORMAT         table, json, asff or ocsf (default: table; see Formats below)
  --min-severity LEVEL    print findings at or above LEVEL (CRITICAL, HIGH, MEDIUM, LOW, INFO)
  --fail-on LEVEL         exit 1 when any finding is at or above LEVEL, or when any input could
                          not be read (a gate never passes on data it did not read)
  --config FILE           JSON configuration (rules, trusted accounts, ignored principals)
  --store DIR|memory      where findings are kept (default: ${DEFAULT_STORE_DIR}); memory keeps none
  --lookup-events         read events from the CloudTrail LookupEvents API instead of files
  --since DURATION        with --lookup-events: how far back (30m, 12h, 7d; default 7d, at most 90d)
                          with s3://: log files delivered since then (a duration, or an ISO day
                          or time with its zone: 2026-11-20, 2026-11-20T08:35Z; default 7d)
  --until TIME            with s3://: log files delivered until then (as --since; default now)
  --account ID            with s3://: only these accounts (repeat, or comma-separated)
  --region REGION         with --lookup-events: the region to read (default: your AWS config)
                          with s3://: only these regions (repeat, or comma-separated)
  --max-file-size SIZE    the most one log file (or event, or record) may take decompressed
                          (default: 256MiB); a larger one is reported and skipped, unread
  --max-record-size SIZE  the most one line of JSON lines may take (default: 1MiB); JSON lines
                          are read line by line, so a file of them may be any size
                          SIZE: bytes, or with a unit: 2MB, 512MiB, 1GiB

${FORMATS_USAGE}
`;

/** Objects downloaded at once from S3: enough to hide its latency, few enough to keep memory flat. */
const S3_READ_CONCURRENCY = 8;

export async function scanCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...FINDINGS_RUN_OPTIONS,
      store: { type: "string", default: DEFAULT_STORE_DIR },
      "lookup-events": { type: "boolean", default: false },
      since: { type: "string" },
      until: { type: "string" },
      account: { type: "string", multiple: true },
      region: { type: "string", multiple: true },
      "max-file-size": { type: "string" },
      "max-record-size": { type: "string" },
    },
  });
  if (values.help) {
    io.stdout.write(SCAN_USAGE);
    return 0;
  }
  const { format, minSeverity, failOn } = findingsRunOutput(values);
  if (values["lookup-events"] && positionals.length > 0) throw new UsageError("give either PATHs or --lookup-events, not both");
  if (!values["lookup-events"] && positionals.length === 0) throw new UsageError("no PATH given (use - for stdin)");
  const urls = positionals.filter(isS3Url);
  const paths = positionals.filter((path) => !isS3Url(path));
  if (!values["lookup-events"] && urls.length === 0 && (values.since || values.region)) throw new UsageError("--since and --region go with s3:// or --lookup-events");
  if (urls.length === 0 && (values.until || values.account)) throw new UsageError("--until and --account go with s3://");
  if (values["lookup-events"] && (values.region?.length ?? 0) > 1) throw new UsageError("--region: LookupEvents reads one region");
  const sinceMs = values["lookup-events"] ? parseDuration(values.since ?? "7d", "--since") : 0;
  if (sinceMs > 90 * 86_400_000) throw new UsageError("--since: LookupEvents keeps 90 days at most");
  const selection = urls.length > 0 ? trailSelection(values, new Date()) : undefined;
  const limits = readLimits(values);

  const config = await loadConfig(values.config, catalogue);
  // Every path is checked, and every bucket listed down to its region folders, before the store
  // opens: a typo in the last one must not leave the first ones half stored.
  const local = values["lookup-events"] || paths.length === 0 ? undefined : await expandInputs(paths, io.stdin);
  // Imported only for an S3 scan: the S3 client is a large load that other scans should not pay at start-up.
  const s3 = selection ? await (await import("../scan/s3Archives.ts")).openS3Archives(urls, selection, io) : undefined;
  const sources = local || s3 ? concat([...(local ? [local] : []), ...(s3?.archives.map((archive) => archive.sources()) ?? [])]) : undefined;
  const engine = new Engine({ rules: catalogue, config, windows: new MemoryWindowStore(), now: () => new Date(), actions: loadActionIndex(), reportIgnored: true });
  // Made before the store opens: a --region ASFF cannot use is refused with nothing left open.
  // One --region (the region read) is also where ASFF findings are imported; several (repeated or
  // comma-separated), or none, leave each finding in its own.
  const regions = (values.region ?? []).flatMap((text) => text.split(",")).map((text) => text.trim()).filter(Boolean);
  const output = writerFor(format, io.stdout, regions.length === 1 ? { region: regions[0] as string } : {});
  // Imported only when findings are kept: --store memory does not load dynalite and LevelDB.
  const opened: OpenedStore | undefined = values.store === "memory" ? undefined : await (await import("../openStore.ts")).openStore(values.store);

  const tabled: Finding[] = [];
  const counts = new SeverityCounts();
  let failed = false;
  const errStyle = styleFor(io.stderr);
  const started = Date.now();
  // Findings stream out as they are made (JSON) and into the store in batches; only the table,
  // which groups them, keeps the ones it shows. Memory stays flat however long the archive.
  const scan = new EventScan({
    engine,
    ...(opened ? { store: opened.store.writer } : {}),
    listener: {
      // A file name or a record's content is anyone's: escaped, on one line, before Vigil's own colour is added.
      error: (at, message) => io.stderr.write(`${errStyle.severity("HIGH", "error")} ${printable(at)}: ${printable(message)}\n`),
      finding: async (finding) => {
        counts.add(finding.severity);
        if (failOn && atLeast(finding.severity, failOn)) failed = true;
        if (atLeast(finding.severity, minSeverity)) {
          if (output) await output.write(finding);
          else tabled.push(finding);
        }
      },
    },
  });
  const stopProgress = s3 ? startS3Progress(scan.stats, s3.archives.map((archive) => archive.progress), io.stderr) : startProgress(scan.stats, io.stderr);
  const lookup = values["lookup-events"] ? await lookupClient(values.region?.[0]) : undefined;
  let created = 0;
  try {
    if (sources) {
      ({ created } = await scan.run({ sources, limits, ...(s3 ? { readConcurrency: S3_READ_CONCURRENCY } : {}) }));
    } else if (lookup) {
      const endTime = new Date();
      ({ created } = await scan.run({ records: lookupEvents({ client: lookup.client, startTime: new Date(endTime.getTime() - sinceMs), endTime }) }));
    }
  } finally {
    stopProgress();
    output?.end();
    s3?.close();
    await opened?.close();
  }

  const seconds = (Date.now() - started) / 1000;
  const { stats } = scan;
  const total = counts.total;
  const shown = counts.atLeast(minSeverity);
  const read = lookup
    ? `Read ${plural(stats.events, "event")} from CloudTrail LookupEvents in ${lookup.region} over the last ${values.since ?? "7d"}`
    : `Scanned ${plural(stats.files, "file")}, ${plural(stats.events, "event")}`;
  const summary =
    `${read} (${stats.skipped} skipped${stats.filesSkipped ? `, ${plural(stats.filesSkipped, "unreadable file")}` : ""}) in ${seconds.toFixed(1)}s: ` +
    plural(total, "finding") +
    described([total ? counts.describe() : "", stats.ignored ? `${stats.ignored} ignored by the configuration` : ""]) +
    (shown < total ? `, ${shown} at or above ${minSeverity} shown` : "") +
    (opened ? `; ${created} new in ${opened.location}` : "");
  if (output) {
    io.stderr.write(`${summary}\n`);
  } else {
    io.stdout.write(renderFindingsTable(tabled, styleFor(io.stdout)));
    io.stdout.write(`${summary}\n`);
  }
  // A pipeline gate that passed on a truncated or unreadable log would vouch for events it never saw.
  const unread = stats.skipped + stats.filesSkipped;
  if (failOn && unread > 0) {
    io.stderr.write(`vigil scan: --fail-on: ${plural(unread, "input")} could not be read (see above), so this scan cannot pass\n`);
    failed = true;
  }
  return failed ? 1 : 0;
}

async function* concat(iterables: readonly AsyncIterable<InputSource>[]): AsyncGenerator<InputSource> {
  for (const iterable of iterables) yield* iterable;
}

/** ` (a; b)` of the parts that say something, or nothing. */
function described(parts: readonly string[]): string {
  const said = parts.filter(Boolean);
  return said.length > 0 ? ` (${said.join("; ")})` : "";
}

async function lookupClient(region: string | undefined): Promise<{ client: CloudTrailClient; region: string }> {
  const client = new CloudTrailClient(region ? { region } : {});
  try {
    return { client, region: await client.config.region() };
  } catch {
    throw new UsageError("--lookup-events: no AWS region configured; pass --region or set AWS_REGION");
  }
}
