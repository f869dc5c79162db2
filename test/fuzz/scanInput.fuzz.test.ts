import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { main } from "@vigil/cli";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.ts";
import { captureIo } from "../helpers/io.ts";
import { type CloudTrailRecord, cloudTrailRecord, withEventId } from "../functions/lambdaEvents.ts";
import { FUZZ_TIMEOUT_MS, fuzzRuns, HOSTILE_PIECES } from "./runs.ts";
import { RAW_CONTROL } from "../helpers/rawControl.ts";


/** Records that each make one finding of a known event rule. */
const POSITIVES: [string, CloudTrailRecord][] = [
  ["iam-user-created", cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json")],
  ["root-console-login", cloudTrailRecord("rules/root-console-login/positive-with-mfa-eventbridge.json")],
  ["access-key-created", cloudTrailRecord("rules/access-key-created/positive-admin-for-other-user.json")],
];

/** Every string of a record, at any depth, with hostile text appended: still a CloudTrail record. */
function hostileStrings(value: unknown, piece: string, keep: (path: string) => boolean, path = ""): unknown {
  if (typeof value === "string") return keep(path) ? value : `${value}${piece}`;
  if (Array.isArray(value)) return value.map((item, index) => hostileStrings(item, piece, keep, `${path}[${index}]`));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hostileStrings(item, piece, keep, path ? `${path}.${key}` : key)]));
  return value;
}

/** A record a rule must still see: fresh id, hostile text in every string but the fields that select and time it. */
const SELECTING = new Set(["eventID", "eventTime", "eventSource", "eventName", "eventType", "userIdentity.type", "errorCode", "responseElements.ConsoleLogin", "additionalEventData.MFAUsed", "recipientAccountId", "userIdentity.accountId"]);
const goodRecord = fc.tuple(fc.constantFrom(...POSITIVES), fc.constantFrom(...HOSTILE_PIECES), fc.boolean()).map(([[ruleId, record], piece, hostile]) => {
  const fresh = withEventId(record);
  return { ruleId, record: (hostile ? hostileStrings(fresh, piece, (path) => SELECTING.has(path)) : fresh) as CloudTrailRecord };
});

/** A value that is no CloudTrail record: a record with a field of the wrong type, or not a record at all. */
const badRecord = fc.oneof(
  fc.tuple(fc.constantFrom(...POSITIVES), fc.constantFrom("eventID", "eventTime", "eventSource", "eventName", "userIdentity"), fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.integer()), fc.constant(true))).map(([[, record], field, value]) => ({ ...withEventId(record), [field]: value })),
  fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value)),
);

/** What a file in the scanned directory holds; `expected` are the findings its good records must give. */
const file = fc.oneof(
  fc.tuple(fc.array(goodRecord, { minLength: 1, maxLength: 3 }), fc.array(badRecord, { maxLength: 2 }), fc.boolean()).map(([goods, bads, gzip]) => {
    const text = JSON.stringify({ Records: [...goods.map((good) => good.record), ...bads] });
    return { name: gzip ? "log.json.gz" : "log.json", bytes: gzip ? gzipSync(text) : Buffer.from(text), expected: goods };
  }),
  fc.array(goodRecord, { minLength: 1, maxLength: 3 }).map((goods) => ({ name: "events.jsonl", bytes: Buffer.from(goods.map((good) => JSON.stringify(good.record)).join("\n")), expected: goods })),
  // Two gzip members one after the other, as `cat a.gz b.gz` makes: both are read.
  fc.tuple(goodRecord, goodRecord).map(([a, b]) => ({ name: "two.json.gz", bytes: Buffer.concat([gzipSync(JSON.stringify({ Records: [a.record] })), gzipSync(JSON.stringify({ Records: [b.record] }))]), expected: [a, b] })),
  fc.tuple(goodRecord, fc.nat()).map(([good, cut]) => {
    const whole = gzipSync(JSON.stringify({ Records: [good.record] }));
    return { name: "truncated.json.gz", bytes: whole.subarray(0, cut % whole.length), expected: [] };
  }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ name: "noise.json", bytes: Buffer.from(bytes), expected: [] })),
  fc.nat(20_000).map((depth) => ({ name: "deep.json", bytes: Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`), expected: [] })),
  fc.constantFrom(...HOSTILE_PIECES).map((piece) => ({ name: `huge${piece.length}.json`, bytes: Buffer.from(JSON.stringify({ Records: [{ eventID: "x", userAgent: piece.repeat(200_000) }] })), expected: [] })),
);

/** Where a file lands: in the scanned directory, or outside it behind a symbolic link to the file or to its directory (a synced archive). */
const placement = fc.constantFrom("plain", "plain", "plain", "file-link", "dir-link");

function place(root: string, dir: string, index: number, entry: { name: string; bytes: Buffer }, how: string): void {
  const name = `${String(index).padStart(2, "0")}-${entry.name}`;
  if (how === "plain") return writeFileSync(join(dir, name), entry.bytes);
  const outside = join(root, `outside-${index}`);
  mkdirSync(outside);
  writeFileSync(join(outside, name), entry.bytes);
  if (how === "file-link") symlinkSync(join(outside, name), join(dir, name));
  else symlinkSync(outside, join(dir, `linked-${index}`));
}

describe("Fuzz: vigil scan over hostile input", () => {
  it("never crashes, evaluates every good record of every file (behind links too), fails a --fail-on gate on any unread input, and prints no raw control character", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(file, placement), { minLength: 1, maxLength: 6 }), async (placed) => {
        const root = tempDir();
        const dir = join(root, "logs");
        mkdirSync(dir);
        placed.forEach(([entry, how], index) => place(root, dir, index, entry, how));
        const files = placed.map(([entry]) => entry);

        const table = captureIo();
        const json = captureIo();
        const gate = captureIo();
        const tableCode = await main(["scan", dir, "--store", "memory"], table.io);
        const jsonCode = await main(["scan", dir, "--store", "memory", "--format", "json"], json.io);
        const gateCode = await main(["scan", dir, "--store", "memory", "--format", "json", "--fail-on", "CRITICAL"], gate.io);

        expect([0, 1, 3]).toContain(tableCode);
        expect(jsonCode).toBe(tableCode);
        for (const output of [table.out.stdout, table.out.stderr, json.out.stderr]) expect(output).not.toMatch(RAW_CONTROL);
        const findings = JSON.parse(json.out.stdout) as { ruleId: string; eventId?: string; severity: string }[];
        // A gate never passes on data it did not read: any input reported unread fails it, as a CRITICAL finding does.
        const unread = /^error /m.test(json.out.stderr);
        expect(gateCode, gate.out.stderr).toBe(unread || findings.some((finding) => finding.severity === "CRITICAL") ? 1 : 0);
        for (const { ruleId, record } of files.flatMap((entry) => entry.expected)) {
          expect(findings.some((finding) => finding.ruleId === ruleId && finding.eventId === record.eventID), `${ruleId} ${record.eventID}`).toBe(true);
        }
      }),
      { numRuns: fuzzRuns(20) },
    );
  }, FUZZ_TIMEOUT_MS);
});
