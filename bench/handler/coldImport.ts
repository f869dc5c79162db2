import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

export interface ImportTiming {
  /** From the process's time origin to the import's end: Node's start-up plus the import, as a cold start pays. */
  sinceStartMs: number;
  /** The import alone: parsing the bundle and running its top level (clients, config, catalogue). */
  importMs: number;
}

const MARK = "VIGIL_BENCH_IMPORT ";
/** How long after its import a child watches for requests the import started. */
const REQUEST_GRACE_MS = 100;
/**
 * Run with --input-type=module -e: nothing but node and the bundle. After the timing, it waits a
 * moment for requests the import set off (the SDK sends once credentials and endpoint resolve) and
 * reports them: importing a handler must not call AWS.
 */
const IMPORT_ONCE = `
import { subscribe } from "node:diagnostics_channel";
const requests = [];
subscribe("http.client.request.start", ({ request }) => requests.push(request.host + " " + (request.getHeader("x-amz-target") ?? request.path)));
const started = performance.now();
await import(process.env.VIGIL_BENCH_BUNDLE);
const imported = performance.now();
await new Promise((resolve) => setTimeout(resolve, ${REQUEST_GRACE_MS}));
console.log(${JSON.stringify(MARK)} + JSON.stringify({ sinceStartMs: imported, importMs: imported - started, requests }));
process.exit(0);
`;

export class ImportFailedError extends Error {
  override readonly name = "ImportFailedError";
}

/**
 * The child's whole environment: PATH and the function's own variables, nothing inherited. A
 * shell's NODE_OPTIONS or NODE_EXTRA_CA_CERTS would be paid in every start (a CA bundle read and
 * parsed adds ~35 ms here), and Lambda sets neither.
 */
export function childEnv(functionEnv: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", ...functionEnv };
}

/** Imports a bundle in a fresh process of `node` (this one's by default), as a Lambda cold start does, and times it there. */
export async function importInFreshNode(bundle: string, functionEnv: Readonly<Record<string, string>>, node = process.execPath): Promise<ImportTiming> {
  try {
    const { stdout } = await promisify(execFile)(node, ["--input-type=module", "-e", IMPORT_ONCE], {
      env: childEnv({ ...functionEnv, VIGIL_BENCH_BUNDLE: pathToFileURL(bundle).href }),
      timeout: 60_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const line = stdout.split("\n").find((candidate) => candidate.startsWith(MARK));
    if (!line) throw new ImportFailedError(`${bundle}: the import printed no timing`);
    const { requests, ...timing } = JSON.parse(line.slice(MARK.length)) as ImportTiming & { requests: string[] };
    if (requests.length > 0) throw new ImportFailedError(`${bundle}: importing it sent ${requests.length} request(s): ${requests.join(", ")}`);
    return timing;
  } catch (error) {
    if (error instanceof ImportFailedError) throw error;
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new ImportFailedError(`${bundle}: ${(error as Error).message.split("\n")[0]}\n${stderr.slice(-2000)}`, { cause: error });
  }
}
