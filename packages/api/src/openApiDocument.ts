import * as z from "zod";
import { OPERATIONS, type Operation } from "./operations.ts";
import {
  errorBodySchema,
  eventNotKeptSchema,
  findingDetailSchema,
  findingPageSchema,
  findingResponseSchema,
  historyEntrySchema,
  ruleListSchema,
  sourceEventSchema,
  ruleViewSchema,
  summarySchema,
  transitionResultSchema,
} from "./responseSchemas.ts";

type Json = Record<string, unknown>;

const COMPONENTS: Record<string, z.ZodType> = {
  Finding: findingResponseSchema,
  HistoryEntry: historyEntrySchema,
  FindingPage: findingPageSchema,
  SourceEvent: sourceEventSchema,
  EventNotKept: eventNotKeptSchema,
  FindingDetail: findingDetailSchema,
  TransitionResult: transitionResultSchema,
  Summary: summarySchema,
  RuleView: ruleViewSchema,
  RuleList: ruleListSchema,
  Error: errorBodySchema,
};

const SCHEMAS = "#/components/schemas/";
/** The contract's version: raise it when a route, parameter or response changes. */
export const API_VERSION = "1.2.0";

/**
 * The OpenAPI 3.1 document of the routes in OPERATIONS, generated from the zod schemas the router
 * validates requests with, and from the response schemas (JSON Schema 2020-12, OpenAPI 3.1's dialect).
 */
export function openApiDocument(): Json {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  // Input mode leaves response objects open: a field added later is not a breaking change.
  const generated = z.toJSONSchema(registry, { io: "input", uri: (id) => `${SCHEMAS}${id}` }).schemas;
  const schemas = Object.fromEntries(Object.entries(generated).map(([id, schema]) => [id, bare(schema as Json)]));
  const idOf = new Map(Object.entries(COMPONENTS).map(([id, schema]) => [schema, id]));

  const paths: Record<string, Json> = {};
  for (const operation of OPERATIONS) {
    (paths[operation.path] ??= {})[operation.method.toLowerCase()] = describeOperation(operation, idOf);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil findings API",
      version: API_VERSION,
      description:
        "Query and triage the findings of Vigil, the compliance monitor for AWS IAM. Every request is authenticated by its transport " +
        "(API Gateway with IAM or JWT authorization, or `vigil serve` on 127.0.0.1 as the local user); triage actions are recorded " +
        "under that identity.",
    },
    paths,
    components: { schemas },
  };
}

function describeOperation(operation: Operation, idOf: ReadonlyMap<z.ZodType, string>): Json {
  const parameters = [
    ...Object.entries(operation.pathParameters ?? {}).map(([name, schema]) => parameter(name, "path", schema)),
    ...Object.entries(operation.query?.shape ?? {}).map(([name, schema]) => parameter(name, "query", schema as z.ZodType)),
  ];
  const responses = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => {
      const id = response.schema && idOf.get(response.schema);
      const schema = id ? { $ref: `${SCHEMAS}${id}` } : response.schema ? bare(z.toJSONSchema(response.schema, { io: "input" }) as Json) : { type: "object" };
      return [status, { description: response.description, content: { "application/json": { schema } } }];
    }),
  );
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { "application/json": { schema: bare(z.toJSONSchema(operation.body, { io: "input" }) as Json) } } } } : {}),
    responses,
  };
}

/** A parameter as OpenAPI has it: the description lifted from its schema, `required` from whether it may be absent. */
function parameter(name: string, location: "path" | "query", schema: z.ZodType): Json {
  const { description, ...rest } = bare(z.toJSONSchema(schema, { io: "input" }) as Json);
  const required = location === "path" || !schema.safeParse(undefined).success;
  return { name, in: location, required, ...(typeof description === "string" ? { description } : {}), schema: rest };
}

/** Without the `$schema` and `$id` zod adds to a standalone schema: inside the document, OpenAPI's dialect applies. */
function bare(schema: Json): Json {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
