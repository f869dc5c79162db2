/**
 * A request as the router sees it, whatever carried it (API Gateway, `vigil serve`, the CLI in
 * process). `actor` comes from the transport's authenticated context, never from the body or a
 * header the caller controls.
 */
export interface ApiRequest {
  method: string;
  /** As on the wire: percent-encoded, without the query string (and without a named stage's prefix). */
  path: string;
  /** Decoded values; a repeated parameter arrives comma-joined, as API Gateway gives it. */
  query: Record<string, string>;
  /** Names in lower case. */
  headers: Record<string, string>;
  body?: string;
  /** Who is calling: an IAM ARN, a JWT subject, `local:<user>`; undefined when the transport authenticated no one (the router answers 401). */
  actor: string | undefined;
  /** Correlates the response, the logs and the caller's report. */
  requestId: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Where the router reports internal errors; Powertools' Logger fits. */
export interface ApiLogger {
  error(message: string, attributes: Record<string, unknown>): void;
}
