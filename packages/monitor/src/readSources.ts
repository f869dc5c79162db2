import { type Extracted, parseLogLine, parseLogText } from "@vigil/core";
import { DEFAULT_READ_LIMITS, type InputContent, type InputSource, type ReadLimits, readAhead } from "@vigil/cloudtrail";

/** What reading an archive hands over, input by input. */
export interface SourceVisitor {
  /** An input that could not be read at all (missing, corrupt gzip, too large, access denied); reading goes on. */
  unreadable(name: string, message: string): void;
  /** An input that was read. */
  read(name: string): void;
  /** A line of JSON lines that was too long or not text. */
  badLine(at: string, message: string): void;
  /** The records and located errors of one document or line. */
  items(name: string, items: Iterable<Extracted>): Promise<void> | void;
}

/**
 * Streams inputs: files are read (and gunzipped) `readConcurrency` ahead while the visitor works
 * on the current one, so memory holds a handful of files, never the archive. A file is parsed
 * whole; JSON lines line by line, in batches.
 */
export async function readSources(sources: AsyncIterable<InputSource>, visitor: SourceVisitor, readConcurrency = 4, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<void> {
  for await (const { source, content } of readAhead(sources, readConcurrency, limits)) {
    let input: InputContent;
    try {
      input = await content;
    } catch (error) {
      visitor.unreadable(source.name, (error as Error).message.replace(`${source.name}: `, ""));
      continue;
    }
    visitor.read(source.name);
    if (input.format === "document") {
      await visitor.items(source.name, parseLogText(input.text));
      continue;
    }
    for await (const batch of input.batches) {
      for (const line of batch) {
        if ("error" in line) visitor.badLine(`${source.name}: line ${line.number}`, line.error);
        else await visitor.items(source.name, parseLogLine(line.text, line.number));
      }
    }
  }
}
