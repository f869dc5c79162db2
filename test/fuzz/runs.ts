/**
 * How many cases a fuzz property tries: a bounded number in the test suite, more under
 * `npm run fuzz` (VIGIL_FUZZ_RUNS), with the seed printed by fast-check on a failure to replay it.
 */
export function fuzzRuns(inSuite: number): number {
  const asked = Number(process.env.VIGIL_FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : inSuite;
}

/** Strings an attacker puts where Vigil expects names: control characters, bidi overrides, terminal escapes, long runs. */
export const HOSTILE_PIECES = [
  "\u001b[2J",
  "\u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007",
  "\u202e",
  "\u2066",
  "\r",
  "\u0000",
  "\u009b31m",
  "\u007f",
  "../../etc/passwd",
  "%00",
  "%2e%2e%2f",
  "__proto__",
  "constructor",
  "'\"<>&",
  "𝒜🚀",
] as const;

/** A long run under `npm run fuzz` takes minutes; the suite's bounded runs keep to its usual limit. */
export const FUZZ_TIMEOUT_MS = process.env.VIGIL_FUZZ_RUNS ? 3_600_000 : 60_000;
