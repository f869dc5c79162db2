import { listFindingsQuerySchema, OPERATIONS, openApiDocument } from "@vigil/api";
import { type FindingStore, MAX_SOURCE_EVENT_BYTES } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore } from "../store-dynamodb/findingFactory.ts";
import { apiRequest, jsonOf, routerFor, seededFindings, seededRecord } from "./routerHarness.ts";

type Json = Record<string, any>;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const document = openApiDocument() as Json;
const operations = Object.entries(document.paths as Json).flatMap(([template, item]) =>
  Object.entries(item as Json).map(([method, operation]) => ({ template, method, operation: operation as Json })),
);

/** The document's schemas compiled by a strict JSON Schema 2020-12 validator (OpenAPI 3.1's dialect), each component under its own URI. */
function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const BASE = "https://vigil.test/components/schemas/";
  const resolved = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${BASE}`)) as Json;
  for (const [name, schema] of Object.entries(document.components.schemas as Json)) ajv.addSchema({ ...resolved(schema), $id: `${BASE}${name}` });
  return { compile: (schema: Json) => ajv.compile(resolved(schema)) };
}

/** Every $ref in a value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "$ref" && typeof inner === "string" ? [inner] : refs(inner)));
}

describe("Function: openApiDocument", () => {
  describe("validity as OpenAPI 3.1", () => {
    it("has the required top-level fields and JSON-serialisable content", () => {
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      expect(document.info).toEqual({ title: expect.any(String), version: expect.any(String), description: expect.any(String) });
      expect(JSON.parse(JSON.stringify(document))).toEqual(document);
      expect(Object.keys(document).every((key) => ["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"].includes(key))).toBe(true);
    });

    it("has well-formed paths and operations: unique ids, responses with descriptions, path parameters declared and required", () => {
      const operationIds = operations.map(({ operation }) => operation.operationId);
      expect(new Set(operationIds).size).toBe(operationIds.length);
      for (const { template, method, operation } of operations) {
        expect(template.startsWith("/")).toBe(true);
        expect(METHODS).toContain(method);
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description).toBe("string");
          expect(Object.keys(response.content)).toEqual(["application/json"]);
        }
        const templated = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []) as Json[];
        for (const parameter of declared) {
          expect(["query", "header", "path", "cookie"]).toContain(parameter.in);
          expect(typeof parameter.name).toBe("string");
          expect(parameter.schema).toBeTypeOf("object");
          if (parameter.in === "path") expect(parameter.required).toBe(true);
        }
        expect(declared.filter((parameter) => parameter.in === "path").map((parameter) => parameter.name)).toEqual(templated);
        if (operation.requestBody) expect(Object.keys(operation.requestBody.content)).toEqual(["application/json"]);
      }
    });

    it("has component names OpenAPI allows, and every $ref resolves to one", () => {
      const names = Object.keys(document.components.schemas);
      expect(names.every((name) => /^[a-zA-Z0-9._-]+$/.test(name))).toBe(true);
      const targets = new Set(names.map((name) => `#/components/schemas/${name}`));
      const all = refs(document);
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((ref) => !targets.has(ref))).toEqual([]);
    });

    it("has schemas that are valid JSON Schema 2020-12 (a strict validator compiles every one)", () => {
      const { compile } = validator();
      const schemas = [
        ...Object.values(document.components.schemas as Json),
        ...operations.flatMap(({ operation }) => [
          ...((operation.parameters ?? []) as Json[]).map((parameter) => parameter.schema),
          ...(operation.requestBody ? [operation.requestBody.content["application/json"].schema] : []),
          ...Object.values(operation.responses as Json).map((response) => response.content["application/json"].schema),
        ]),
      ];
      for (const schema of schemas) expect(() => compile(schema)).not.toThrow();
    });
  });

  describe("agreement with the router", () => {
    let dynalite: RunningDynalite;
    let store: FindingStore;
    let router: ReturnType<typeof routerFor>;
    beforeAll(async () => {
      dynalite = await startDynalite();
      store = await freshStore(dynalite);
      // The second finding's record is longer than the store keeps: its detail has a cut record.
      const long = seededFindings()[1]!.id;
      await store.writer.putFindings(seededFindings(), { sourceEvents: (finding) => [seededRecord(finding, finding.id === long ? { padding: "x".repeat(MAX_SOURCE_EVENT_BYTES) } : {})] });
      router = routerFor(store);
    });
    afterAll(async () => {
      await dynalite?.close();
    });

    const listParameters = () => (operations.find(({ operation }) => operation.operationId === "listFindings")!.operation.parameters as Json[]);

    /** Values the parameter's documented schema accepts, and values it refuses, derived from the schema alone. */
    function samples(schema: Json): { valid: string[]; invalid: string[] } {
      if (schema.enum) return { valid: schema.enum, invalid: ["not-a-documented-value"] };
      if (schema.type === "integer") return { valid: [String(schema.minimum), String(schema.maximum)], invalid: [String(schema.minimum - 1), String(schema.maximum + 1), "1.5", "many"] };
      if (schema.format === "date-time") return { valid: ["2026-11-01T00:00:00Z", "2026-11-01T02:00:00.250+02:00"], invalid: ["2026-11-01", "yesterday"] };
      if (schema.pattern === "^\\d{12}$") return { valid: ["111122223333"], invalid: ["x".repeat(3)] };
      if (String(schema.pattern).includes("ou-")) return { valid: ["ou-ab12-11111111", "r-ab12"], invalid: ["x".repeat(3), "o-a1b2c3d4e5", "ou-ab12"] };
      if (schema.pattern) return { valid: ["x"], invalid: ["x".repeat(3)] };
      return { valid: ["x", "x".repeat(schema.maxLength)], invalid: ["", "x".repeat(schema.maxLength + 1)] };
    }

    it("documents exactly the query parameters the router accepts for GET /findings", () => {
      expect(listParameters().map((parameter) => parameter.name)).toEqual(Object.keys(listFindingsQuerySchema.shape));
      expect(listParameters().every((parameter) => parameter.required === false)).toBe(true);
    });

    it("accepts every value a documented parameter's schema allows, and refuses, naming the parameter, values it does not", async () => {
      const { compile } = validator();
      let checked = 0;
      for (const parameter of listParameters()) {
        if (parameter.name === "cursor") continue; // opaque: only the server makes valid ones
        const validate = compile(parameter.schema);
        const { valid, invalid } = samples(parameter.schema);
        for (const value of valid) {
          const typed = parameter.schema.type === "integer" ? Number(value) : value;
          expect(validate(typed), `${parameter.name}=${value} fits its schema`).toBe(true);
          const response = await router.handle(apiRequest("GET", "/findings", { query: { [parameter.name]: value } }));
          expect(response.statusCode, `${parameter.name}=${value}: ${response.body}`).toBe(200);
          checked++;
        }
        for (const value of invalid) {
          const response = await router.handle(apiRequest("GET", "/findings", { query: { [parameter.name]: value } }));
          expect(response.statusCode, `${parameter.name}=${value}`).toBe(400);
          expect(jsonOf<{ issues: { parameter: string }[] }>(response).issues.map((issue) => issue.parameter)).toEqual([parameter.name]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
    });

    it("refuses, on every GET route, a query parameter the document does not list", async () => {
      for (const { template, method, operation } of operations.filter(({ method }) => method === "get")) {
        const route = template.replace("{id}", encodeURIComponent(seededFindings()[0]!.id));
        const response = await router.handle(apiRequest(method.toUpperCase(), route, { query: { undocumented: "1" } }));
        expect(response.statusCode, `${operation.operationId}`).toBe(400);
      }
    });

    it("routes every documented operation, and the router has no undocumented one", async () => {
      expect(operations.map(({ operation }) => operation.operationId).sort()).toEqual(OPERATIONS.map((operation) => operation.operationId).sort());
      for (const { template, method } of operations) {
        const route = template.replace("{id}", encodeURIComponent(seededFindings()[0]!.id));
        const response = await router.handle(apiRequest(method.toUpperCase(), route, method === "patch" ? { body: { action: "acknowledge" } } : {}));
        expect([404, 405].includes(response.statusCode) && JSON.parse(response.body).message.startsWith("no route"), `${method} ${template}`).toBe(false);
        expect(response.statusCode, `${method} ${template}: ${response.body}`).toBeLessThan(500);
      }
    });

    it("accepts a minimal body of each documented triage variant and refuses an undocumented field", async () => {
      const patch = operations.find(({ operation }) => operation.operationId === "triageFinding")!.operation;
      const variants = patch.requestBody.content["application/json"].schema.oneOf as Json[];
      const { compile } = validator();
      const validate = compile(patch.requestBody.content["application/json"].schema);
      for (const variant of variants) {
        const minimal = Object.fromEntries((variant.required as string[]).map((name) => [name, variant.properties[name].const ?? "because"]));
        expect(validate(minimal)).toBe(true);
        const target = seededFindings().find((finding) => finding.status === "open")!;
        const response = await router.handle(apiRequest("PATCH", `/findings/${encodeURIComponent(target.id)}`, { body: minimal }));
        expect([200, 409], `${JSON.stringify(minimal)}: ${response.body}`).toContain(response.statusCode);
        const extra = await router.handle(apiRequest("PATCH", `/findings/${encodeURIComponent(target.id)}`, { body: { ...minimal, priority: "high" } }));
        expect(validate({ ...minimal, priority: "high" })).toBe(false);
        expect(extra.statusCode).toBe(400);
      }
    });

    it("describes the responses the router actually gives, success and error alike", async () => {
      const { compile } = validator();
      const target = seededFindings()[1]!;
      const calls: [string, ReturnType<typeof apiRequest>][] = [
        ["listFindings", apiRequest("GET", "/findings", { query: { limit: "3" } })],
        ["listFindings", apiRequest("GET", "/findings", { query: { limit: "-1" } })],
        ["getFinding", apiRequest("GET", `/findings/${encodeURIComponent(target.id)}`)],
        ["getFinding", apiRequest("GET", `/findings/${encodeURIComponent(seededFindings()[0]!.id)}`)],
        ["getFinding", apiRequest("GET", "/findings/nope")],
        ["triageFinding", apiRequest("PATCH", `/findings/${encodeURIComponent(target.id)}`, { body: { action: "suppress", reason: "known", until: "2099-01-01T00:00:00Z" } })],
        ["triageFinding", apiRequest("PATCH", `/findings/${encodeURIComponent(target.id)}`, { body: { action: "suppress", reason: "again" } })],
        ["triageFinding", apiRequest("PATCH", `/findings/${encodeURIComponent(target.id)}`, { body: { action: "resolve" }, actor: undefined })],
        ["listRules", apiRequest("GET", "/rules")],
        ["getSummary", apiRequest("GET", "/summary")],
        ["getOpenApiDocument", apiRequest("GET", "/openapi.json")],
      ];
      const statuses: number[] = [];
      for (const [operationId, request] of calls) {
        const response = await router.handle(request);
        const documented = operations.find(({ operation }) => operation.operationId === operationId)!.operation.responses[response.statusCode];
        expect(documented, `${operationId} ${response.statusCode} is documented`).toBeDefined();
        const validate = compile(documented.content["application/json"].schema);
        expect(validate(JSON.parse(response.body)), `${operationId} ${response.statusCode}: ${JSON.stringify(validate.errors)}`).toBe(true);
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([200, 400, 200, 200, 404, 200, 409, 401, 200, 200, 200]);
    });

    it("documents the records behind a finding in its detail, and a detail with a whole and a cut record matches it", async () => {
      const detail = document.components.schemas.FindingDetail as Json;
      expect(detail.required).toEqual(expect.arrayContaining(["finding", "history", "events", "eventsNotKept"]));
      expect(detail.properties.events.items).toEqual({ $ref: "#/components/schemas/SourceEvent" });
      expect(document.components.schemas.FindingPage.properties.items.items).toEqual({ $ref: "#/components/schemas/Finding" });
      const validate = validator().compile({ $ref: "#/components/schemas/FindingDetail" });
      for (const finding of seededFindings().slice(0, 2)) {
        const body = jsonOf<Json>(await router.handle(apiRequest("GET", `/findings/${encodeURIComponent(finding.id)}`)));
        expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
        expect(body.events).toHaveLength(1);
      }
    });

    it("serves the same document at GET /openapi.json", async () => {
      expect(JSON.parse((await router.handle(apiRequest("GET", "/openapi.json"))).body)).toEqual(document);
    });
  });
});
