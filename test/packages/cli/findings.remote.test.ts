import type { Finding } from "@vigil/core";
import type { HistoryEntry } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";
import { routerFor, seededFindings } from "../api/routerHarness.ts";
import { freshStore, newestFirst } from "../store-dynamodb/findingFactory.ts";
import { ACCESS_KEY_ID, CALLER_ARN, SECRET_ACCESS_KEY, startSigV4Server } from "./sigv4Server.ts";

const REGION = "eu-west-1";
/** Credentials from the environment only: no profile, no config file, no instance metadata. */
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_CONFIG_FILE: "/nonexistent/vigil-test-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/vigil-test-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
};

let dynalite: RunningDynalite;
let api: Awaited<ReturnType<typeof startSigV4Server>>;
const findings = seededFindings();

beforeAll(async () => {
  dynalite = await startDynalite();
  const store = await freshStore(dynalite);
  await store.writer.putFindings(findings);
  api = await startSigV4Server(routerFor(store), REGION);
});
afterAll(async () => {
  await api?.close();
  await dynalite?.close();
});

describe("CLI: vigil findings --api URL", () => {
  it("lists through the API with SigV4-signed requests", async () => {
    const before = api.seen.length;
    const result = await runCli(["findings", "list", "--api", api.url, "--region", REGION, "--status", "open", "--limit", "3", "--format", "json"], { env: AWS_ENV });
    expect(result.stderr).not.toContain("vigil findings:");
    expect(result.code).toBe(0);
    const expected = newestFirst(findings.filter((f) => f.status === "open")).slice(0, 3);
    expect((JSON.parse(result.stdout) as Finding[]).map((f) => f.id)).toEqual(expected.map((f) => f.id));
    const requests = api.seen.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.map((request) => request.refused)).toEqual(requests.map(() => undefined));
    expect(requests[0]?.url).toBe("/findings?status=open&limit=3");
  });

  it("triages as the IAM identity the API derives from the signature, with the id percent-encoded in the signed path", async () => {
    const target = findings.find((f) => f.status === "open")!;
    const ack = await runCli(["findings", "ack", target.id, "--reason", "on it", "--api", api.url, "--region", REGION, "--format", "json"], { env: AWS_ENV });
    expect(ack.code).toBe(0);
    const { entry } = JSON.parse(ack.stdout) as { entry: HistoryEntry };
    expect(entry).toMatchObject({ actor: CALLER_ARN, action: "acknowledge", from: "open", to: "acknowledged", reason: "on it" });
    expect(api.seen.at(-1)).toMatchObject({ method: "PATCH", url: `/findings/${encodeURIComponent(target.id)}`, refused: undefined });

    const get = await runCli(["findings", "get", target.id, "--api", api.url, "--region", REGION], { env: AWS_ENV });
    expect(get.code).toBe(0);
    expect(get.stdout).toContain(`${CALLER_ARN}  acknowledge open -> acknowledged  "on it"`);
  });

  it("reads the region from AWS_REGION and signs for it", async () => {
    const result = await runCli(["findings", "--api", api.url, "--severity", "critical", "--format", "json"], { env: { ...AWS_ENV, AWS_REGION: REGION } });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Finding[]).every((f) => f.severity === "CRITICAL")).toBe(true);
    expect(api.seen.at(-1)?.authorization).toContain(`/${REGION}/execute-api/aws4_request`);
  });

  it("fails with the API's refusal when the signature does not verify, and with a usage error when no region is known", async () => {
    const wrongSecret = await runCli(["findings", "--api", api.url, "--region", REGION], { env: { ...AWS_ENV, AWS_SECRET_ACCESS_KEY: "not-the-secret" } });
    expect(wrongSecret.code).toBe(3);
    expect(wrongSecret.stderr).toContain("vigil findings: Forbidden");
    expect(api.seen.at(-1)?.refused).toBe("signature does not match");

    const noRegion = await runCli(["findings", "--api", api.url], { env: AWS_ENV });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain("--region: cannot tell the API's region from its URL");
  });

  it("refuses plain http to another host, which would carry the signature and session token in cleartext", async () => {
    const result = await runCli(["findings", "--api", "http://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "--region", REGION], { env: { ...AWS_ENV, AWS_SESSION_TOKEN: "session-token" } });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--api: plain http would send your signed requests and session token in cleartext; use https");
    expect(result.stdout).toBe("");
  });

  it("turns the API's 400 into a usage error naming the option", async () => {
    const result = await runCli(["findings", "--api", api.url, "--region", REGION, "--account", "12345"], { env: AWS_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("vigil findings: --account: expected a 12-digit AWS account id");
  });
});
