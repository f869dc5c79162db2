import type { Finding } from "@vigil/core";
import type { Io } from "../Io.ts";
import type { FindingsFormat } from "../options.ts";
import { renderFindingsTable } from "./findingsTable.ts";
import { styleFor } from "./style.ts";
import { writerFor } from "./writerFor.ts";

/**
 * A posture run's findings and its summary line, for one account or an organization: in a machine
 * format on stdout with the summary on stderr (so the output stays one document), or as a table with
 * the summary under it. `region` places ASFF's ProductArn (see writerFor).
 */
export async function writePostureFindings(io: Io, format: FindingsFormat, shown: readonly Finding[], summary: string, options: { region?: string } = {}): Promise<void> {
  const output = writerFor(format, io.stdout, options);
  if (output) {
    try {
      for (const finding of shown) await output.write(finding);
    } finally {
      output.end();
    }
    io.stderr.write(`${summary}\n`);
  } else {
    io.stdout.write(renderFindingsTable(shown, styleFor(io.stdout)));
    io.stdout.write(`${summary}\n`);
  }
}
