import { UsageError } from "./errors.ts";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `12h`, `7d` → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`${option}: expected a duration like 30m, 12h or 7d, got "${text}"`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
