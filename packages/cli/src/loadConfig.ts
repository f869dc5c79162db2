import { readFile } from "node:fs/promises";
import { type AnyRule, ConfigError, type EffectiveConfig, resolveConfig } from "@vigil/core";

/** Reads and validates a JSON config file; no file means the defaults. */
export async function loadConfig(path: string | undefined, rules: readonly AnyRule[]): Promise<EffectiveConfig> {
  if (!path) return resolveConfig({}, rules);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  try {
    return resolveConfig(value, rules);
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
