/** Command-line numbers for the bench scripts: `1000000`, `1_000_000` or `1e6`. */
export function positiveInteger(text: string | undefined, option: string): number {
  const value = Number((text ?? "").replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`${option}: expected a positive integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}
