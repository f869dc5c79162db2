import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { InvalidCursorError } from "./errors.ts";

/**
 * A page cursor: where the last page stopped (the sort key of its last item, so the next page is
 * everything strictly older) and a digest of the query it belongs to, signed with HMAC-SHA256.
 * Without a secret the tag still catches alteration; where cursors cross a trust boundary (the
 * API), give the store a `cursorSecret` so that they cannot be forged either.
 */
const DEFAULT_KEY = "vigil-findings-cursor";
const VERSION = 1;
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#.+$/s;

export type CursorKey = string | Uint8Array;

/** A short digest naming a query, so a cursor cannot be replayed against another one. */
export function queryFingerprint(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}

export function encodeCursor(position: string, fingerprint: string, key: CursorKey | undefined): string {
  const payload = Buffer.from(JSON.stringify({ v: VERSION, q: fingerprint, p: position })).toString("base64url");
  return `${payload}.${tag(payload, key)}`;
}

/** The position a cursor holds, or InvalidCursorError when it is altered, foreign or from another query. */
export function decodeCursor(cursor: string, fingerprint: string, key: CursorKey | undefined): string {
  const [payload, signature, extra] = cursor.split(".");
  if (!payload || !signature || extra !== undefined) throw new InvalidCursorError();
  const expected = Buffer.from(tag(payload, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  const { v, q, p } = (body ?? {}) as Record<string, unknown>;
  if (v !== VERSION || q !== fingerprint || typeof p !== "string" || !POSITION.test(p)) throw new InvalidCursorError();
  return p;
}

function tag(payload: string, key: CursorKey | undefined): string {
  return createHmac("sha256", key ?? DEFAULT_KEY).update(payload).digest("base64url");
}
