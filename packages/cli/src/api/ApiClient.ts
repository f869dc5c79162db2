import type { ApiIssue, ErrorBody } from "@vigil/api";
import { VigilError } from "@vigil/core";

/** One call to the findings API, wherever it runs: in this process or deployed. */
export interface ApiCall {
  method: "GET" | "PATCH";
  /** Percent-encoded, e.g. `/findings/root-console-login%3A…`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface ApiClient {
  /** Where the findings are: the store directory or the API's URL. */
  readonly location: string;
  /** The response body of a 2xx; ApiCallError otherwise. */
  call<T>(request: ApiCall): Promise<T>;
  close(): Promise<void>;
}

/** The API refused or failed a call; `issues` name the bad parameters of a 400. */
export class ApiCallError extends VigilError {
  readonly statusCode: number;
  readonly issues: readonly ApiIssue[];
  readonly requestId: string | undefined;
  constructor(statusCode: number, body: Partial<ErrorBody> | undefined) {
    const message = body?.message ?? `the API answered ${statusCode}`;
    super(statusCode >= 500 ? `${message} (HTTP ${statusCode}${body?.requestId ? `, request ${body.requestId}` : ""})` : message);
    this.statusCode = statusCode;
    this.issues = body?.issues ?? [];
    this.requestId = body?.requestId;
  }
}

/** A response's JSON body, or the ApiCallError it stands for. */
export function readResponse<T>(statusCode: number, text: string): T {
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (statusCode >= 200 && statusCode < 300 && body !== undefined) return body as T;
  throw new ApiCallError(statusCode, body as Partial<ErrorBody> | undefined);
}
