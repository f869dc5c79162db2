import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { GetAccountAuthorizationDetailsCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { join } from "node:path";
import { parsePolicy } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "@vigil/cli";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { captureIo } from "../../helpers/io.ts";
import {
  ACCOUNT,
  EXPECTED_POLICY,
  EXPECTED_UNKNOWABLE,
  EXPECTED_UNUSED,
  MISSING_POLICY_ARN,
  REGION,
  ROLE,
  recordOf,
  ROLE_ARN,
  WINDOW,
  writeArchive,
} from "../../fixtures/least-privilege/generateArchive.ts";

interface Report {
  principal: string;
  used: { service: string; action: string; count: number; resources: string[] }[];
  denied: { service: string; action: string; errorCodes: Record<string, number> }[];
  failed: { service: string; action: string }[];
  notIamActions: { eventSource: string; eventName: string; count: number }[];
  unused?: { action: string; note?: string }[];
  unknowable: { action: string; why: string }[];
  proposedPolicy: unknown;
  policyCheck: unknown[];
  limits: string[];
  stats: { files: number; unreadableFiles: number; events: number; matched: number; untimed: number; skipped: number };
}

async function run(args: string[]) {
  const { io, out } = captureIo();
  const code = await main(["least-privilege", ...args], io);
  return { code, ...out };
}

describe("CLI: vigil least-privilege over a generated archive", { timeout: 60_000 }, () => {
  let trail: string;
  let policies: string;

  beforeAll(() => {
    ({ trail, policies } = writeArchive(tempDir()));
  });

  it("finds exactly the unused grants and proposes exactly the policy of the role's successful calls, its sessions included", async () => {
    const result = await run([trail, "--principal", ROLE_ARN, ...WINDOW, "--policies", policies, "--format", "json"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.unused?.map((entry) => entry.action)).toEqual(EXPECTED_UNUSED);
    expect(report.unused?.find((entry) => entry.action === "dynamodb:GetItem")?.note).toMatch(/data event \(AWS::DynamoDB::Table\)/);
    expect(report.unknowable.map((entry) => entry.action)).toEqual(EXPECTED_UNKNOWABLE);
    expect(report.proposedPolicy).toEqual(EXPECTED_POLICY);
    expect(report.policyCheck).toEqual([]);
    // The proposal is a policy Vigil itself reads.
    expect(parsePolicy(JSON.stringify(report.proposedPolicy)).statements).toHaveLength(EXPECTED_POLICY.Statement.length);
    expect(report.used.find((use) => use.action === "UpdateFunctionConfiguration")).toMatchObject({ service: "lambda", count: 2 });
    expect(report.denied.map((use) => `${use.service}:${use.action}`)).toEqual(["ec2:RunInstances", "iam:CreateUser"]);
    expect(report.failed.map((use) => `${use.service}:${use.action}`)).toEqual(["lambda:GetFunction"]);
    expect(report.notIamActions).toEqual([expect.objectContaining({ eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", count: 1 })]);
    // 14 of the role's calls are in the window; the KMS call before it and the 4 of others are not.
    expect(report.stats).toEqual({ files: 6, unreadableFiles: 0, events: 19, matched: 14, untimed: 0, skipped: 0 });
    expect(report.limits.join("\n")).toContain(MISSING_POLICY_ARN);
    expect(report.limits.join("\n")).toContain("aws:RequestedRegion");
  });

  it("reads a session's ARN as its role", async () => {
    const bySession = await run([trail, "--principal", `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/anything`, ...WINDOW, "--format", "json"]);
    const byRole = await run([trail, "--principal", ROLE_ARN, ...WINDOW, "--format", "json"]);
    expect((JSON.parse(bySession.stdout) as Report).proposedPolicy).toEqual(EXPECTED_POLICY);
    expect((JSON.parse(bySession.stdout) as Report).used).toEqual((JSON.parse(byRole.stdout) as Report).used);
  });

  it("without --policies proposes the same policy and says unused grants were not worked out", async () => {
    const result = await run([trail, "--principal", ROLE_ARN, ...WINDOW, "--format", "json"]);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.unused).toBeUndefined();
    expect(report.proposedPolicy).toEqual(EXPECTED_POLICY);
    expect(report.limits).toContain("No --policies: granted but unused actions are not worked out.");
  });

  it("reports an unreadable log file on stderr with its path, counts it, and reads the rest", async () => {
    const root = tempDir();
    const { trail: damaged } = writeArchive(root);
    const corrupt = join(damaged, "AWSLogs", ACCOUNT, "CloudTrail", REGION, "2026", "11", "21");
    mkdirSync(corrupt, { recursive: true });
    writeFileSync(join(corrupt, `${ACCOUNT}_CloudTrail_${REGION}_20261121T0000Z_broken.json.gz`), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    writeFileSync(join(corrupt, `${ACCOUNT}_CloudTrail_${REGION}_20261121T0100Z_lines.json`), '{"eventSource": 3}\nnot json\n');

    const result = await run([damaged, "--principal", ROLE_ARN, ...WINDOW, "--format", "json"]);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain("_broken.json.gz: corrupt gzip");
    expect(result.stderr).toContain("_lines.json: line 2: invalid JSON");
    const report = JSON.parse(result.stdout) as Report;
    expect(report.stats).toMatchObject({ unreadableFiles: 1, skipped: 2, matched: 14 });
    expect(report.proposedPolicy).toEqual(EXPECTED_POLICY);
  });

  it("counts a call whose record lost its eventTime (as some published datasets do), whatever the window, and says so", async () => {
    const root = tempDir();
    const { eventTime: _dropped, ...untimed } = recordOf({ source: "kms.amazonaws.com", name: "ListAliases", time: "2026-11-10T10:00:00Z" }, 0);
    writeFileSync(join(root, "dataset.json"), JSON.stringify({ Records: [untimed] }));

    const result = await run([root, "--principal", ROLE_ARN, ...WINDOW, "--format", "json"]);

    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as Report;
    expect(report.used).toEqual([expect.objectContaining({ service: "kms", action: "ListAliases", count: 1, first: "", last: "" })]);
    expect(report.stats).toMatchObject({ matched: 1, untimed: 1, skipped: 0 });
    expect(report.limits).toContain("1 call of the principal carries no eventTime (CloudTrail writes one; the archive dropped it): counted whatever the window, and left out of first and last times.");
  });

  it("prints what a record says escaped: a hostile operation name reaches the terminal as text, not as control sequences", async () => {
    const root = tempDir();
    const { trail: hostile } = writeArchive(root);
    const day = join(hostile, "AWSLogs", ACCOUNT, "CloudTrail", REGION, "2026", "11", "22");
    mkdirSync(day, { recursive: true });
    const record = {
      ...recordOf({ source: "evil\u001b[2J.amazonaws.com", name: "Wipe\u202eTerminal\u0007", time: "2026-11-22T10:00:00Z" }, 99),
      errorCode: "Denied\u001b]0;pwned\u0007",
    };
    writeFileSync(join(day, `${ACCOUNT}_CloudTrail_${REGION}_20261122T1000Z_hostile.json`), JSON.stringify({ Records: [record] }));

    const result = await run([hostile, "--principal", ROLE_ARN, ...WINDOW]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Not IAM actions (2)");
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  });

  it("refuses a missing --principal and an ARN that names no user or role (exit 2, with the usage)", async () => {
    const missing = await run([trail]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--principal is required");
    expect(missing.stderr).toContain("Usage: vigil least-privilege");

    const malformed = await run([trail, "--principal", "arn:aws:s3:::bucket"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--principal: expected an IAM user or role ARN');
  });

  it("refuses a --policies file that is not authorization details (exit 2, naming the file)", async () => {
    const wrong = join(tempDir(), "details.json");
    writeFileSync(wrong, JSON.stringify({ RoleDetailList: [{ RoleName: 5 }] }));
    const result = await run([trail, "--principal", ROLE_ARN, "--policies", wrong]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${wrong}: RoleDetailList.0.RoleName: `);
  });

  it("reads the policies live with --policies live, as IAM answers them, and finds the same unused grants as from the file", async () => {
    const details = JSON.parse(readFileSync(policies, "utf8")) as Record<string, unknown[]>;
    // IAM's own answer: policy documents URL-encoded, times as dates, in two pages.
    const encoded = (document: unknown) => encodeURIComponent(JSON.stringify(document));
    const asIam = (list: Record<string, unknown>[]) =>
      list.map((entry) => {
        const copy = JSON.parse(JSON.stringify(entry), (key, value) => (key === "PolicyDocument" || key === "Document" || key === "AssumeRolePolicyDocument" ? encoded(value) : value));
        if (typeof copy.CreateDate === "string") copy.CreateDate = new Date(copy.CreateDate);
        return copy;
      });
    const iam = mockClient(IAMClient);
    const sts = mockClient(STSClient);
    try {
      sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: "AIDAAUDITOREXAMPLE01" });
      iam
        .on(GetAccountAuthorizationDetailsCommand)
        .resolvesOnce({ UserDetailList: asIam((details.UserDetailList ?? []) as never), GroupDetailList: asIam((details.GroupDetailList ?? []) as never), RoleDetailList: [], Policies: [], IsTruncated: true, Marker: "page-2" })
        .resolvesOnce({ UserDetailList: [], GroupDetailList: [], RoleDetailList: asIam((details.RoleDetailList ?? []) as never), Policies: asIam((details.Policies ?? []) as never), IsTruncated: false });
      const live = await run([trail, "--principal", ROLE_ARN, ...WINDOW, "--policies", "live", "--format", "json"]);
      expect(live.code).toBe(0);
      const report = JSON.parse(live.stdout) as Report;
      expect(report.unused?.map((entry) => entry.action)).toEqual(EXPECTED_UNUSED);
      expect(report.unknowable.map((entry) => entry.action)).toEqual(EXPECTED_UNKNOWABLE);
      expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((call) => call.args[0].input.Marker)).toEqual([undefined, "page-2"]);

      iam.reset();
      iam.on(GetAccountAuthorizationDetailsCommand).rejects(Object.assign(new Error("User is not authorized to perform: iam:GetAccountAuthorizationDetails"), { name: "AccessDenied" }));
      const refused = await run([trail, "--principal", ROLE_ARN, ...WINDOW, "--policies", "live"]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`cannot read the policies of account ${ACCOUNT}: iam:GetAccountAuthorizationDetails: AccessDenied`);
    } finally {
      iam.restore();
      sts.restore();
    }
  });

  it("as a child process prints the same report, and the table names the unused and unknowable actions", async () => {
    const json = await runCli(["least-privilege", trail, "--principal", ROLE_ARN, ...WINDOW, "--policies", policies, "--format", "json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.proposedPolicy).toEqual(EXPECTED_POLICY);
    expect(report.unused?.map((entry) => entry.action)).toEqual(EXPECTED_UNUSED);

    const table = await runCli(["least-privilege", trail, "--principal", ROLE_ARN, ...WINDOW, "--policies", policies]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("Granted, never used (4 actions)");
    expect(table.stdout).toContain("sqs (1): GetQueueUrl");
    expect(table.stdout).toContain("Granted, unknowable from this archive (3 actions)");
    expect(table.stdout).toContain("signin.amazonaws.com ConsoleLogin");
    expect(table.stdout).toContain('"Sid": "Lambda2"');
  });
});
