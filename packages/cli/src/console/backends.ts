import type { Router } from "@vigil/api";
import { type RemoteApiOptions, signedSender } from "../api/remoteApi.ts";
import type { ConsoleBackend } from "./startConsoleServer.ts";

/** The embedded store through the same router the deployed API runs, every change made as `actor`. */
export function localBackend(router: Router, actor: string): ConsoleBackend {
  // The router decodes each path segment itself, as it does behind `vigil serve`.
  return (request) =>
    router.handle({ method: request.method, path: request.path, query: request.query, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }), actor, requestId: request.requestId });
}

/** The deployed API: each request signed with the caller's AWS credentials (SigV4), its answer passed back as it came. */
export function remoteBackend(options: RemoteApiOptions): ConsoleBackend & { location: string } {
  const sendSigned = signedSender(options);
  const backend: ConsoleBackend = async (request) => {
    const response = await sendSigned({ method: request.method, path: request.path, query: request.query, ...(request.body === undefined ? {} : { body: request.body }) });
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  };
  return Object.assign(backend, { location: sendSigned.location });
}
