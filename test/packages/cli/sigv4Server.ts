import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import type { Router } from "@vigil/api";
import { SignatureV4 } from "@smithy/signature-v4";

export const ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/** Who API Gateway would say the key belongs to. */
export const CALLER_ARN = "arn:aws:iam::111122223333:user/cli-tester";

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=(\w+)\/(\d{8})\/([a-z0-9-]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  /** Why the signature was refused; undefined when it verified. */
  refused: string | undefined;
}

/**
 * Stands in for API Gateway with IAM authorization on 127.0.0.1: checks that each request carries
 * a well-formed SigV4 Authorization for execute-api in `region`, recomputes its signature with the
 * known secret, answers 403 as API Gateway does when it does not verify, and otherwise hands the
 * request to the real router with the key's owner as the actor.
 */
export async function startSigV4Server(router: Router, region: string) {
  const seen: SeenRequest[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const refused = await verify(incoming, body, region);
    seen.push({ method: incoming.method ?? "", url: incoming.url ?? "", authorization: incoming.headers.authorization, refused });
    if (refused) {
      outgoing.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ message: "Forbidden" }));
      return;
    }
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    const response = await router.handle({
      method: incoming.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, String(value)])),
      ...(body ? { body } : {}),
      actor: CALLER_ARN,
      requestId: `apigw-${seen.length}`,
    });
    outgoing.writeHead(response.statusCode, response.headers).end(response.body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function verify(incoming: IncomingMessage, body: string, region: string): Promise<string | undefined> {
  const match = AUTHORIZATION.exec(incoming.headers.authorization ?? "");
  if (!match) return `malformed Authorization: ${incoming.headers.authorization}`;
  const [, keyId, day, signedRegion, signedHeaders] = match;
  const amzDate = incoming.headers["x-amz-date"];
  if (typeof amzDate !== "string" || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return `bad x-amz-date: ${amzDate}`;
  if (keyId !== ACCESS_KEY_ID) return `unknown access key ${keyId}`;
  if (signedRegion !== region) return `signed for ${signedRegion}, not ${region}`;
  const names = (signedHeaders as string).split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return `SignedHeaders lacks host or x-amz-date: ${signedHeaders}`;
  const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host}`);
  const signer = new SignatureV4({ service: "execute-api", region, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }, sha256: Sha256 });
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const expected = await signer.sign(
    {
      method: incoming.method ?? "GET",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(names.map((name) => [name, String(incoming.headers[name])])),
      ...(body ? { body } : {}),
    },
    { signingDate },
  );
  return expected.headers.authorization === incoming.headers.authorization ? undefined : "signature does not match";
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
