import * as z from "zod";
import { findingIdSchema, listFindingsQuerySchema, triageBodySchema } from "./requestSchemas.ts";
import {
  errorBodySchema,
  findingDetailSchema,
  findingPageSchema,
  ruleListSchema,
  summarySchema,
  transitionResultSchema,
} from "./responseSchemas.ts";

export type OperationId = "listFindings" | "getFinding" | "triageFinding" | "listRules" | "getSummary" | "getOpenApiDocument";

export interface OperationResponse {
  description: string;
  /** Absent: a JSON object the document does not describe further (the OpenAPI document itself). */
  schema?: z.ZodType;
}

/** One route: how it is matched, what it accepts and what it answers. Both the router and the OpenAPI document read this table. */
export interface Operation {
  operationId: OperationId;
  method: "GET" | "PATCH";
  /** OpenAPI path template: `{name}` is one path segment. */
  path: string;
  summary: string;
  /** Every query parameter the route accepts; any other is refused. Absent: none. */
  query?: z.ZodObject;
  pathParameters?: Record<string, z.ZodType<string>>;
  /** A JSON body, required when present. */
  body?: z.ZodType;
  responses: Record<number, OperationResponse>;
}

/** No query parameter at all. */
export const NO_QUERY = z.strictObject({});

const error = (description: string): OperationResponse => ({ description, schema: errorBodySchema });
const COMMON = { 401: error("The request carries no caller identity"), 500: error("Internal error: details are in the logs under the requestId") };

export const OPERATIONS: readonly Operation[] = [
  {
    operationId: "listFindings",
    method: "GET",
    path: "/findings",
    summary: "List findings, newest first, by any combination of filters",
    query: listFindingsQuerySchema,
    responses: { 200: { description: "One page of findings", schema: findingPageSchema }, 400: error("A parameter is unknown or has a bad value; issues name it"), ...COMMON },
  },
  {
    operationId: "getFinding",
    method: "GET",
    path: "/findings/{id}",
    summary: "Read a finding and its history",
    pathParameters: { id: findingIdSchema },
    responses: { 200: { description: "The finding, its history and the CloudTrail records behind it", schema: findingDetailSchema }, 400: error("A bad id"), 404: error("No such finding"), ...COMMON },
  },
  {
    operationId: "triageFinding",
    method: "PATCH",
    path: "/findings/{id}",
    summary: "Acknowledge, suppress, resolve or reopen a finding, as the caller",
    pathParameters: { id: findingIdSchema },
    body: triageBodySchema,
    responses: {
      200: { description: "The finding after the change, and the history entry it made", schema: transitionResultSchema },
      400: error("The body does not validate; issues name each bad field"),
      404: error("No such finding"),
      409: error("The finding's status does not allow the action (acknowledging a resolved finding)"),
      413: error("The body is larger than 16 KiB"),
      415: error("The body is not JSON"),
      ...COMMON,
    },
  },
  {
    operationId: "listRules",
    method: "GET",
    path: "/rules",
    summary: "The rule catalogue and the posture checks, with their effective configuration",
    responses: { 200: { description: "Every rule and check", schema: ruleListSchema }, 400: error("An unknown parameter"), ...COMMON },
  },
  {
    operationId: "getSummary",
    method: "GET",
    path: "/summary",
    summary: "Counts of the live findings by severity, status, rule and account",
    responses: { 200: { description: "The counts", schema: summarySchema }, 400: error("An unknown parameter"), ...COMMON },
  },
  {
    operationId: "getOpenApiDocument",
    method: "GET",
    path: "/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    responses: { 200: { description: "The OpenAPI document, generated from the schemas the router validates with" }, 400: error("An unknown parameter"), ...COMMON },
  },
];
