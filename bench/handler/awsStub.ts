import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * SNS and IAM have no local server, so the bundles' SNS and IAM clients are pointed here
 * (AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_IAM). Both speak AWS's query protocol: a form-encoded
 * POST naming an Action, answered with the XML the API reference shows. It answers Publish and
 * the IAM reads that restore an omitted policy document; anything else gets AWS's InvalidAction.
 */
export interface AwsStub {
  endpoint: string;
  /** Requests answered, by Action. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

const SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/";
const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
/** What IAM hands back for any policy read: an admin policy, URL-encoded as IAM encodes documents. */
const DOCUMENT = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }));

export async function startAwsStub(): Promise<AwsStub> {
  const calls = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const action = form.get("Action") ?? "";
      const answer = answerFor(action, form);
      calls.set(action, (calls.get(action) ?? 0) + 1);
      response.writeHead(answer.status, { "content-type": "text/xml", "x-amzn-requestid": answer.requestId });
      response.end(answer.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}

function answerFor(action: string, form: URLSearchParams): { status: number; body: string; requestId: string } {
  const requestId = randomUUID();
  const ok = (namespace: string, result: string) => ({
    status: 200,
    requestId,
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  });
  const param = (name: string) => xml(form.get(name) ?? "");
  switch (action) {
    case "Publish":
      return ok(SNS_NS, `<MessageId>${randomUUID()}</MessageId>`);
    case "GetPolicyVersion":
      return ok(
        IAM_NS,
        `<PolicyVersion><Document>${DOCUMENT}</Document><VersionId>${param("VersionId")}</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2026-11-01T00:00:00Z</CreateDate></PolicyVersion>`,
      );
    case "GetUserPolicy":
      return ok(IAM_NS, `<UserName>${param("UserName")}</UserName><PolicyName>${param("PolicyName")}</PolicyName><PolicyDocument>${DOCUMENT}</PolicyDocument>`);
    case "GetGroupPolicy":
      return ok(IAM_NS, `<GroupName>${param("GroupName")}</GroupName><PolicyName>${param("PolicyName")}</PolicyName><PolicyDocument>${DOCUMENT}</PolicyDocument>`);
    case "GetRolePolicy":
      return ok(IAM_NS, `<RoleName>${param("RoleName")}</RoleName><PolicyName>${param("PolicyName")}</PolicyName><PolicyDocument>${DOCUMENT}</PolicyDocument>`);
    default:
      return {
        status: 400,
        requestId,
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The action ${xml(action)} is not valid for this endpoint.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
