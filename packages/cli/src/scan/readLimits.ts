import { DEFAULT_READ_LIMITS, GiB, KiB, MiB, type ReadLimits } from "@vigil/cloudtrail";
import { UsageError } from "../errors.ts";

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: KiB, mib: MiB, gib: GiB };

/** `vigil scan`'s --max-file-size and --max-record-size, checked; each bad value is a UsageError naming its option. */
export function readLimits(values: { "max-file-size"?: string; "max-record-size"?: string }): ReadLimits {
  return {
    maxFileSize: values["max-file-size"] === undefined ? DEFAULT_READ_LIMITS.maxFileSize : byteSize(values["max-file-size"], "--max-file-size"),
    maxRecordSize: values["max-record-size"] === undefined ? DEFAULT_READ_LIMITS.maxRecordSize : byteSize(values["max-record-size"], "--max-record-size"),
  };
}

/**
 * A size as people write it: `512MiB`, `1GiB`, `2MB`, `64 kB`, or bytes. KB, MB and GB are
 * powers of 1000 and KiB, MiB and GiB of 1024, as both are printed back in messages.
 */
export function byteSize(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] || "b").toLowerCase()];
  const bytes = match && unit ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(`${option}: expected a size such as 256MiB, 1GiB or 2MB, got "${text}"`);
  }
  return bytes;
}
