import { main } from "@vigil/cli";
import type { Finding } from "@vigil/core";
import type { FindingSummary } from "@vigil/store-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@vigil/cli/src/openStore.ts";
import { tempDir } from "../../helpers/cli.ts";
import { captureIo } from "../../helpers/io.ts";
import { makeFinding } from "../store-dynamodb/findingFactory.ts";

async function vigil(...args: string[]) {
  const { io, out } = captureIo();
  const code = await main(args, io);
  return { code, ...out };
}

const ORG = "o-a1b2c3d4e5";
const PROD = { account: "200000000002", accountName: "prod-payments", ouPath: `${ORG}/r-ab12/ou-ab12-workload/ou-ab12-prod0001/` };
const SANDBOX = { account: "200000000003", accountName: "sandbox-ana", ouPath: `${ORG}/r-ab12/ou-ab12-sandbox1/` };

/** Findings an organization-mode monitor made: two accounts it placed, one it did not know. */
const FINDINGS: Finding[] = [
  makeFinding(1, { ...PROD, severity: "HIGH" }),
  makeFinding(2, { ...PROD, severity: "CRITICAL", ruleId: "root-console-login", id: "root-console-login:000000000000000000000002" }),
  makeFinding(3, { ...PROD }),
  makeFinding(4, { ...SANDBOX }),
  makeFinding(5, { account: "555566667777" }),
];

describe("CLI: vigil findings, organization mode (embedded store)", () => {
  let store: string;
  beforeAll(async () => {
    store = tempDir();
    const opened = await openStore(store);
    await opened.store.writer.putFindings(FINDINGS);
    await opened.close();
  });

  it("lists the findings under an OU, each with its account's name beside the id", async () => {
    const json = await vigil("findings", "list", "--store", store, "--ou", "ou-ab12-workload", "--format", "json");
    const text = await vigil("findings", "--store", store, "--ou", "ou-ab12-prod0001", "--severity", "HIGH");

    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Finding[]).map((finding) => [finding.id, finding.accountName, finding.ouPath])).toEqual(
      [FINDINGS[2], FINDINGS[1], FINDINGS[0]].map((finding) => [finding!.id, "prod-payments", PROD.ouPath]),
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("200000000002 (prod-payments)  us-east-1  CreateUser");
    expect(text.stdout).toContain(`2 findings in ${store}/dynamodb\n`);
  });

  it("shows a finding's account name and OU path in its detail", async () => {
    const detail = await vigil("findings", "get", FINDINGS[3]!.id, "--store", store);

    expect(detail.stdout).toMatch(/account\s+200000000003 \(sandbox-ana\)\s+us-east-1\n/);
    expect(detail.stdout).toMatch(/ou\s+o-a1b2c3d4e5\/r-ab12\/ou-ab12-sandbox1\/\n/);
  });

  it("summarizes the findings by account, most first, with the names the organization gave them", async () => {
    const text = await vigil("findings", "summary", "--store", store);
    const json = await vigil("findings", "summary", "--store", store, "--format", "json");

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`5 findings in ${store}/dynamodb\n`);
    expect(text.stdout).toContain("By account\n  3  200000000002  prod-payments\n  1  200000000003  sandbox-ana\n  1  555566667777\n");
    expect((JSON.parse(json.stdout) as FindingSummary).byAccount).toEqual({
      "200000000002": { count: 3, accountName: "prod-payments" },
      "200000000003": { count: 1, accountName: "sandbox-ana" },
      "555566667777": { count: 1 },
    });
  });

  it.each([
    [["list", "--ou", "Workloads"], "--ou: must be a root id (r-...) or an OU id (ou-...)"],
    [["summary", "--ou", "r-ab12"], "--ou does not go with summary"],
    [["summary", "extra"], 'unexpected argument "extra"'],
  ])("exits 2 with a usage error for %j", async (args, message) => {
    const result = await vigil("findings", ...args, "--store", store);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
