/** The process's streams, injectable so the commands can be driven in-process as well as spawned. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Standard input as a stream: a scan reads it as it comes, within its limits, never whole first. */
  stdin(): AsyncIterable<Uint8Array>;
}

export const processIo: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: () => process.stdin,
};
