import type { Finding } from "@vigil/core";
import type { Io } from "../Io.ts";
import { renderFindingsTable } from "./findingsTable.ts";
import { JsonFindingsWriter } from "./JsonFindingsWriter.ts";
import { styleFor } from "./style.ts";

/**
 * A posture run's findings and its summary line, for one account or an organization: as JSON on
 * stdout with the summary on stderr (so the output stays one JSON document), or as a table with
 * the summary under it.
 */
export async function writePostureFindings(io: Io, format: "table" | "json", shown: readonly Finding[], summary: string): Promise<void> {
  if (format === "json") {
    const output = new JsonFindingsWriter(io.stdout);
    for (const finding of shown) await output.write(finding);
    output.end();
    io.stderr.write(`${summary}\n`);
  } else {
    io.stdout.write(renderFindingsTable(shown, styleFor(io.stdout)));
    io.stdout.write(`${summary}\n`);
  }
}
