import { InputTooLargeError, MiB, readFileLimited } from "@vigil/cloudtrail";
import { type AnyRule, ConfigError, type EffectiveConfig, resolveConfig } from "@vigil/core";

/** A configuration is a few KB even with hundreds of ignored principals: a larger file is not one. */
export const CONFIG_FILE_LIMIT = 1 * MiB;

/** Reads and validates a JSON config file; no file means the defaults. */
export async function loadConfig(path: string | undefined, rules: readonly AnyRule[]): Promise<EffectiveConfig> {
  if (!path) return resolveConfig({}, rules);
  let text: string;
  try {
    text = (await readFileLimited(path, CONFIG_FILE_LIMIT)).toString("utf8");
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new ConfigError(`${error.message}; is this the configuration file?`, { cause: error });
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
