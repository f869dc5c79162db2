import { FindingNotFoundError, type FindingReader, type FindingTriage, InvalidCursorError, InvalidRequestError, InvalidTransitionError } from "@vigil/store-dynamodb";
import type { ApiLogger, ApiRequest, ApiResponse } from "./ApiRequest.ts";
import { type ApiIssue, HttpError, InvalidApiRequestError } from "./errors.ts";
import { openApiDocument } from "./openApiDocument.ts";
import { NO_QUERY, OPERATIONS, type Operation, type OperationId } from "./operations.ts";
import type { ListFindingsQuery, TriageBody } from "./requestSchemas.ts";
import type { ErrorBody } from "./responseSchemas.ts";
import { describeRules, type RuleCatalogue } from "./ruleViews.ts";
import { parseBody, parsePathParameter, parseQuery } from "./validation.ts";

/** What the routes need of the findings store. */
export interface FindingsStore {
  reader: Pick<FindingReader, "listFindings" | "getFindingDetail" | "summarize">;
  triage: Pick<FindingTriage, "transition">;
}

export interface RouterOptions {
  store: FindingsStore;
  /** For GET /rules, and the rules GET /summary counts. */
  rules: RuleCatalogue;
  /** Where internal errors go, with the request id; stderr when absent. */
  logger?: ApiLogger;
}

export interface Router {
  /** Never rejects: every failure is a response, internal ones a generic 500. */
  handle(request: ApiRequest): Promise<ApiResponse>;
}

/** A matched route's validated input. */
interface Input {
  actor: string;
  query: Record<string, unknown>;
  params: Record<string, string>;
  body: unknown;
}

const HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/**
 * The findings API without a framework: matches the method and path against OPERATIONS,
 * validates the query, path and body with their schemas, calls the store, and answers JSON. The
 * caller is `request.actor`, set by the transport from its authenticated context.
 */
export function createRouter(options: RouterOptions): Router {
  const { store } = options;
  const logger = options.logger ?? stderrLogger;
  const rules = describeRules(options.rules);
  // Findings of a rule switched off since stay triageable, so every known rule is counted.
  const ruleIds = rules.map((rule) => rule.id);
  let document: Record<string, unknown> | undefined;

  const handlers: Record<OperationId, (input: Input) => Promise<unknown>> = {
    listFindings: ({ query }) => store.reader.listFindings(query as ListFindingsQuery),
    getFinding: async ({ params }) => {
      const found = await store.reader.getFindingDetail(params.id as string);
      if (!found) throw new FindingNotFoundError(params.id as string);
      return found;
    },
    triageFinding: ({ params, body, actor }) => {
      const { action, reason, until } = body as TriageBody;
      return store.triage.transition(params.id as string, { action, actor, ...(reason === undefined ? {} : { reason }), ...(until === undefined ? {} : { until }) });
    },
    listRules: async () => ({ rules }),
    getSummary: () => store.reader.summarize({ ruleIds }),
    getOpenApiDocument: async () => (document ??= openApiDocument()),
  };

  return {
    async handle(request) {
      try {
        const { operation, params } = route(request.method, request.path);
        const actor = request.actor?.trim();
        if (!actor) throw new HttpError(401, "the request carries no caller identity");
        const input: Input = {
          actor,
          query: parseQuery(operation.query ?? NO_QUERY, request.query),
          params: Object.fromEntries(
            Object.entries(operation.pathParameters ?? {}).map(([name, schema]) => [name, parsePathParameter(name, schema, params[name] as string)]),
          ),
          body: operation.body ? parseBody(operation.body, request.body, request.headers["content-type"]) : undefined,
        };
        return json(200, await handlers[operation.operationId](input));
      } catch (error) {
        const known = callerError(error);
        if (known) return json(known.statusCode, errorBody(known.message, request.requestId, known.issues), known.headers);
        logger.error("Internal error", { requestId: request.requestId, method: request.method, path: request.path, error });
        return json(500, errorBody("Internal error", request.requestId));
      }
    },
  };
}

/** The operation for a method and path, with its raw path segments by name; 404 or 405 otherwise. */
function route(method: string, path: string): { operation: Operation; params: Record<string, string> } {
  const segments = split(path);
  const matches = OPERATIONS.flatMap((operation) => {
    const params = match(split(operation.path), segments);
    return params ? [{ operation, params }] : [];
  });
  if (matches.length === 0) throw new HttpError(404, `no route for ${path}`);
  const found = matches.find(({ operation }) => operation.method === method.toUpperCase());
  if (!found) {
    const allowed = matches.map(({ operation }) => operation.method).join(", ");
    throw new HttpError(405, `${method} is not allowed on ${path}; allowed: ${allowed}`, { headers: { allow: allowed } });
  }
  return found;
}

/** A trailing slash is tolerated; empty segments in the middle are not. */
function split(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.split("/").slice(1);
}

function match(template: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined && segment !== "") params[name] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/** The errors whose message is meant for the caller, as HTTP errors; undefined for anything else. */
function callerError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof FindingNotFoundError) return new HttpError(404, error.message);
  if (error instanceof InvalidTransitionError) return new HttpError(409, error.message);
  if (error instanceof InvalidCursorError) return new InvalidApiRequestError([{ parameter: "cursor", message: error.message }]);
  if (error instanceof InvalidRequestError) {
    const prefix = `${error.parameter}: `;
    return new InvalidApiRequestError([{ parameter: error.parameter, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message }]);
  }
  return undefined;
}

function errorBody(message: string, requestId: string, issues?: readonly ApiIssue[]): ErrorBody {
  return { message, requestId, ...(issues ? { issues: [...issues] } : {}) };
}

function json(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): ApiResponse {
  return { statusCode, headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) };
}

const stderrLogger: ApiLogger = {
  error: (message, attributes) => console.error(message, attributes),
};
