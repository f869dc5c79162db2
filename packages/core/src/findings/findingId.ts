import { createHash } from "node:crypto";

/**
 * A finding's id is a digest of what makes it unique, so the same event delivered twice, or a
 * file scanned twice, maps to the same id and the store's conditional write drops the copy.
 */
export function findingId(ruleId: string, eventIds: readonly string[], matchKey = ""): string {
  const hash = createHash("sha256");
  hash.update(ruleId);
  for (const id of [...eventIds].sort()) hash.update(`\0${id}`);
  hash.update(`\0${matchKey}`);
  return `${ruleId}:${hash.digest("hex").slice(0, 24)}`;
}
