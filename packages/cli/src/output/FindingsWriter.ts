import type { Finding } from "@vigil/core";

/** Writes findings one by one as they are made, and closes the document once they are all written. */
export interface FindingsWriter {
  write(finding: Finding): Promise<void>;
  /** Also after a failure, so what was written still parses. */
  end(): void;
}

/** Writes text, waiting for the stream to drain when its reader is slower than the findings come. */
export async function writeDraining(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", resolve));
}
