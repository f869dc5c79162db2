import { isAwsRegion, toAsff } from "@vigil/core";
import { UsageError } from "../errors.ts";
import type { FindingsFormat } from "../options.ts";
import { vigilVersion } from "../version.ts";
import type { FindingsWriter } from "./FindingsWriter.ts";
import { JsonFindingsWriter } from "./JsonFindingsWriter.ts";
import { OcsfFindingsWriter } from "./OcsfFindingsWriter.ts";

/**
 * The writer of a machine format, or undefined for the table, which groups findings and so is not
 * streamed. ASFF is one JSON array, the file `aws securityhub batch-import-findings --findings
 * file://...` reads, its ProductArn in `region` when given, else in each finding's own region.
 *
 * @throws UsageError when `region` is not a region name: refused before anything is written.
 */
export function writerFor(format: Exclude<FindingsFormat, "table">, stream: NodeJS.WritableStream, options?: { region?: string }): FindingsWriter;
export function writerFor(format: FindingsFormat, stream: NodeJS.WritableStream, options?: { region?: string }): FindingsWriter | undefined;
export function writerFor(format: FindingsFormat, stream: NodeJS.WritableStream, options: { region?: string } = {}): FindingsWriter | undefined {
  switch (format) {
    case "table":
      return undefined;
    case "json":
      return new JsonFindingsWriter(stream);
    case "asff":
      if (options.region !== undefined && !isAwsRegion(options.region)) throw new UsageError(`--region: not an AWS region: "${options.region}"`);
      return new JsonFindingsWriter(stream, (finding) => toAsff(finding, { region: options.region ?? finding.region }));
    case "ocsf":
      return new OcsfFindingsWriter(stream, vigilVersion());
  }
}
