import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake Slack answers one request. */
export type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Drop the connection without answering (a network error for the client). */
  | { drop: true }
  /** Never answer (a timeout for the client). */
  | { hang: true };

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

export interface SlackServer {
  /** The webhook URL; its path plays the secret token. */
  url: string;
  requests: ReceivedRequest[];
  /** Answers in order; the last one repeats for every later request. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

export const SECRET_PATH = "/services/T0VIGILTEST/B0VIGILTEST/s3cr3tW3bh00kT0k3nXyZ";

/** A real HTTP server on 127.0.0.1 that answers like Slack's incoming webhooks, scripted per test. */
export async function startSlackServer(): Promise<SlackServer> {
  const requests: ReceivedRequest[] = [];
  let replies: Reply[] = [{ status: 200, body: "ok" }];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        contentType: request.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const reply = (replies.length > 1 ? replies.shift() : replies[0]) ?? { status: 200, body: "ok" };
      if ("drop" in reply) return void request.socket.destroy();
      if ("hang" in reply) return;
      response.writeHead(reply.status, { "content-type": "text/html", ...reply.headers });
      response.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${SECRET_PATH}`,
    requests,
    reply: (...next) => {
      replies = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
