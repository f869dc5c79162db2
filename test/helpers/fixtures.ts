import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
/** Real CloudTrail records (OTRF Security-Datasets, MIT), with their source in its README. */
export const REAL_CLOUDTRAIL = join(FIXTURES, "real", "cloudtrail");

/** A fixture's parsed JSON, a fresh copy per call so a test can mutate it. */
export function loadFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, relativePath), "utf8")) as T;
}

/** Fixture files of one rule, split by their `positive-` / `negative-` prefix. */
export function ruleFixtures(ruleId: string): { positive: string[]; negative: string[] } {
  let files: string[] = [];
  try {
    files = readdirSync(join(FIXTURES, "rules", ruleId)).filter((file) => file.endsWith(".json"));
  } catch {
    files = [];
  }
  return {
    positive: files.filter((file) => file.startsWith("positive")).map((file) => `rules/${ruleId}/${file}`),
    negative: files.filter((file) => file.startsWith("negative")).map((file) => `rules/${ruleId}/${file}`),
  };
}
