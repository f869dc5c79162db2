import { Readable } from "node:stream";
import type { Io } from "@vigil/cli/src/Io.ts";

/** Captures a command's output in-process; `isTTY` decides colour and progress as for a real stream. */
export function captureIo(options: { isTTY?: boolean; stdin?: Buffer } = {}) {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") =>
    ({
      isTTY: options.isTTY ?? false,
      write(chunk: string) {
        out[key] += chunk;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const io: Io = { stdout: stream("stdout"), stderr: stream("stderr"), stdin: () => Readable.from(options.stdin ? [options.stdin] : []) };
  return { io, out };
}
