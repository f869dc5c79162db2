import { VigilError } from "@vigil/core";

/** One problem with a request: the parameter or body field it concerns, and what is wrong. */
export interface ApiIssue {
  parameter: string;
  message: string;
}

/**
 * An error meant for the caller: its status and message are sent as they are. Anything else that
 * reaches the router's edge is an internal error and becomes a generic 500.
 */
export class HttpError extends VigilError {
  readonly statusCode: number;
  readonly issues: readonly ApiIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  constructor(statusCode: number, message: string, options: { issues?: readonly ApiIssue[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = statusCode;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

/** A request whose parameters or body do not validate (400); `issues` names each bad one. */
export class InvalidApiRequestError extends HttpError {
  constructor(issues: readonly ApiIssue[], options?: { cause?: unknown }) {
    super(400, issues.map((issue) => `${issue.parameter}: ${issue.message}`).join("; "), { issues, ...options });
  }
}

/** An API Gateway event that lacks what a payload format 2.0 event always carries. */
export class InvalidEventError extends VigilError {}
