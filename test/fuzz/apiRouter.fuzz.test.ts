import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routerFor, seededFindings } from "../packages/api/routerHarness.ts";
import { freshStore } from "../packages/store-dynamodb/findingFactory.ts";
import { FUZZ_TIMEOUT_MS, fuzzRuns, HOSTILE_PIECES } from "./runs.ts";
import type { Router } from "@vigil/api";

let dynalite: RunningDynalite;
let router: Router;
const internalErrors: unknown[] = [];
beforeAll(async () => {
  dynalite = await startDynalite();
  const store = await freshStore(dynalite);
  await store.writer.putFindings(seededFindings());
  router = routerFor(store, { error: (_message, attributes) => internalErrors.push(attributes.error) });
});
afterAll(async () => {
  await dynalite?.close();
});

const piece = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: "binary" }), fc.constantFrom("findings", "rules", "summary", "openapi.json", "iam-user-created:000000000000000000000002"));
const path = fc.oneof(
  fc.constantFrom("/findings", "/findings/iam-user-created:000000000000000000000002", "/rules", "/summary", "/openapi.json", "/", "//", "/findings/"),
  fc.array(piece, { maxLength: 4 }).map((segments) => `/${segments.join("/")}`),
);
const PARAMETERS = ["limit", "cursor", "severity", "status", "rule", "principal", "resource", "account", "ou", "since", "until", "__proto__", "constructor"];
const VALID = fc.record(
  { limit: fc.integer({ min: 1, max: 100 }).map(String), severity: fc.constantFrom("CRITICAL", "HIGH", "LOW"), status: fc.constantFrom("open", "resolved"), account: fc.constant("111122223333") },
  { requiredKeys: [] },
);
const query = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: VALID },
  { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...PARAMETERS), fc.string()), fc.oneof(piece, fc.integer().map(String), fc.constantFrom("-1", "1e309", "NaN", "0", "101", "CRITICAL,LOW", "open"))) },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({ action: fc.oneof(fc.constantFrom("acknowledge", "suppress", "resolve", "reopen"), piece), reason: piece, until: fc.oneof(piece, fc.date().map((date) => (Number.isNaN(date.getTime()) ? "x" : date.toISOString()))) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);
const request = fc.record({
  method: fc.oneof({ weight: 4, arbitrary: fc.constant("GET") }, { weight: 2, arbitrary: fc.constant("PATCH") }, { weight: 1, arbitrary: fc.constantFrom("POST", "PUT", "DELETE", "HEAD", "OPTIONS") }, { weight: 1, arbitrary: fc.string() }),
  path,
  query,
  body,
  contentType: fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8", "", "multipart/form-data"),
  actor: fc.oneof({ weight: 4, arbitrary: fc.constant("arn:aws:iam::111122223333:user/alice") }, { weight: 1, arbitrary: fc.constant("") }, { weight: 1, arbitrary: piece }),
});

describe("Fuzz: the API router", () => {
  it("answers every request with JSON and a status below 500, never an echoed stack or file path", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, query, body, contentType, actor }) => {
        const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
        const response = await router.handle({ method, path, query: query as Record<string, string>, headers, ...(body === undefined ? {} : { body }), actor, requestId: "fuzz" });

        statuses.add(response.statusCode);
        expect(response.statusCode, `${method} ${path}`).toBeLessThan(500);
        expect(() => JSON.parse(response.body)).not.toThrow();
        expect(response.body).not.toMatch(/\n\s+at |node_modules|\/work\/|file:\/\//);
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(internalErrors).toEqual([]);
    // The cases reach the handlers, not only the refusals in front of them.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404]));
  }, FUZZ_TIMEOUT_MS);
});
