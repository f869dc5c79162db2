import type { Finding } from "@vigil/core";
import { type FindingsWriter, writeDraining } from "./FindingsWriter.ts";

/**
 * Writes findings as one JSON array, each as soon as it is made, so a long scan holds none of
 * them. It waits for the stream to drain when the reader is slower than the scan. `as` turns a
 * finding into what is written (Vigil's own shape by default).
 */
export class JsonFindingsWriter implements FindingsWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #as: (finding: Finding) => unknown;
  #count = 0;

  constructor(stream: NodeJS.WritableStream, as: (finding: Finding) => unknown = (finding) => finding) {
    this.#stream = stream;
    this.#as = as;
  }

  async write(finding: Finding): Promise<void> {
    const text = `${this.#count === 0 ? "[\n" : ",\n"}  ${JSON.stringify(this.#as(finding), null, 2).replaceAll("\n", "\n  ")}`;
    this.#count++;
    await writeDraining(this.#stream, text);
  }

  /** Closes the array; also after a failure, so what was written still parses. */
  end(): void {
    this.#stream.write(this.#count === 0 ? "[]\n" : "\n]\n");
  }
}
