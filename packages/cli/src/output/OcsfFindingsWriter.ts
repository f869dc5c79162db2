import { type Finding, toOcsf } from "@vigil/core";
import { type FindingsWriter, writeDraining } from "./FindingsWriter.ts";

/** Writes each finding as one OCSF record on a line of its own (JSON lines), as it is made. */
export class OcsfFindingsWriter implements FindingsWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #version: string;

  constructor(stream: NodeJS.WritableStream, version: string) {
    this.#stream = stream;
    this.#version = version;
  }

  async write(finding: Finding): Promise<void> {
    await writeDraining(this.#stream, `${JSON.stringify(toOcsf(finding, { version: this.#version }))}\n`);
  }

  /** Every line is complete as written: nothing to close. */
  end(): void {}
}
