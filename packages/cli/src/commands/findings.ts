import { parseArgs } from "node:util";
import { atLeast, type Finding, parseSeverity } from "@vigil/core";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { DEFAULT_STORE_DIR, openStore } from "../openStore.ts";
import { renderFindingsTable } from "../output/findingsTable.ts";
import { styleFor } from "../output/style.ts";

export const FINDINGS_USAGE = `Usage: vigil findings [--severity LEVEL] [--rule ID] [--status STATUS] [options]

Lists the findings kept in the embedded store, newest first.

Options:
  --severity LEVEL   findings at or above LEVEL (CRITICAL, HIGH, MEDIUM, LOW, INFO)
  --rule ID          findings of one rule
  --status STATUS    open, acknowledged, suppressed or resolved
  --limit N          at most N findings (default 50, at most 1000)
  --format table|json
  --store DIR        the store to read (default: ${DEFAULT_STORE_DIR})
`;

const STATUSES = ["open", "acknowledged", "suppressed", "resolved"] as const;

export async function findingsCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      severity: { type: "string" },
      rule: { type: "string" },
      status: { type: "string" },
      limit: { type: "string", default: "50" },
      format: { type: "string", default: "table" },
      store: { type: "string", default: DEFAULT_STORE_DIR },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(FINDINGS_USAGE);
    return 0;
  }
  const severity = values.severity === undefined ? undefined : parseSeverity(values.severity);
  if (values.severity !== undefined && !severity) throw new UsageError(`--severity: expected CRITICAL, HIGH, MEDIUM, LOW or INFO, got "${values.severity}"`);
  const status = values.status;
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status: expected ${STATUSES.join(", ")}, got "${status}"`);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit: expected a whole number from 1 to 1000, got "${values.limit}"`);
  if (values.format !== "table" && values.format !== "json") throw new UsageError(`--format: expected table or json, got "${values.format}"`);
  if (values.store === "memory") throw new UsageError("--store memory holds nothing to list; give the directory a scan wrote to");

  const opened = await openStore(values.store);
  const items: Finding[] = [];
  try {
    let cursor: string | undefined;
    do {
      const page = await opened.store.listFindings({
        ...(values.rule ? { ruleId: values.rule } : severity ? { severity } : status ? { status: status as Finding["status"] } : {}),
        limit: Math.min(100, limit - items.length),
        ...(cursor ? { cursor } : {}),
      });
      // The store answers one access pattern per query; the other filters apply to its pages.
      items.push(
        ...page.items.filter(
          (finding) => (!severity || atLeast(finding.severity, severity)) && (!status || finding.status === status),
        ),
      );
      cursor = page.cursor;
    } while (cursor && items.length < limit);
  } finally {
    await opened.close();
  }
  const shown = items.slice(0, limit);
  if (values.format === "json") io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  else io.stdout.write(renderFindingsTable(shown, styleFor(io.stdout)) + `${shown.length} finding${shown.length === 1 ? "" : "s"} in ${opened.location}\n`);
  return 0;
}


