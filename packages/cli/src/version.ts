import { readFileSync } from "node:fs";

/** Vigil's version, from the CLI's package.json: what an exported record says produced it. */
export function vigilVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
