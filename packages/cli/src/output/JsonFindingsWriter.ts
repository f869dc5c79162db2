import type { Finding } from "@vigil/core";

/**
 * Writes findings as one JSON array, each as soon as it is made, so a long scan holds none of
 * them. It waits for the stream to drain when the reader is slower than the scan.
 */
export class JsonFindingsWriter {
  readonly #stream: NodeJS.WritableStream;
  #count = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  async write(finding: Finding): Promise<void> {
    const text = `${this.#count === 0 ? "[\n" : ",\n"}  ${JSON.stringify(finding, null, 2).replaceAll("\n", "\n  ")}`;
    this.#count++;
    if (!this.#stream.write(text)) await new Promise<void>((resolve) => this.#stream.once("drain", resolve));
  }

  /** Closes the array; also after a failure, so what was written still parses. */
  end(): void {
    this.#stream.write(this.#count === 0 ? "[]\n" : "\n]\n");
  }
}
