import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { asffProblems } from "../../helpers/asffFinding.ts";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";
import { OCSF_SCHEMA_DIR, OCSF_SCHEMA_MISSING, OcsfSchema } from "../../helpers/ocsfSchema.ts";

const SAMPLES = join(REPO, "samples");
const POSTURE = ["posture", "--credential-report", join(FIXTURES, "posture-cli", "credential-report.csv"), "--now", "2026-11-22T12:00:00Z", "--store", "memory"];

/** OCSF output is JSON lines: every line one record, nothing else on stdout. */
const ocsfLines = (stdout: string) => stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { class_uid: number; finding_info: { uid: string }; status: string });

describe("CLI: --format asff and ocsf", () => {
  let schema: OcsfSchema | undefined;
  let scanned: Finding[];
  beforeAll(async () => {
    if (!OCSF_SCHEMA_MISSING) schema = new OcsfSchema(OCSF_SCHEMA_DIR);
    const json = await runCli(["scan", SAMPLES, "--format", "json", "--store", "memory"]);
    expect(json.code).toBe(0);
    scanned = JSON.parse(json.stdout) as Finding[];
  });

  it("vigil scan --format asff writes the findings as one array batch-import-findings takes", async () => {
    const result = await runCli(["scan", SAMPLES, "--format", "asff", "--store", "memory"]);
    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(findings.map((finding) => finding.Id)).toEqual(scanned.map((finding) => finding.id));
    for (const finding of findings) expect(asffProblems(finding), String(finding.Id)).toEqual([]);
    // The summary stays on stderr so the file is the array alone.
    expect(result.stderr).toMatch(/Scanned \d+ files?/);
  });

  it.skipIf(OCSF_SCHEMA_MISSING !== undefined)("vigil scan --format ocsf writes one valid Detection Finding per line", async () => {
    const result = await runCli(["scan", SAMPLES, "--format", "ocsf", "--store", "memory"]);
    expect(result.code).toBe(0);
    const records = ocsfLines(result.stdout);
    expect(records.map((record) => record.finding_info.uid)).toEqual(scanned.map((finding) => finding.id));
    for (const record of records) expect(schema?.validate(record, 2004), record.finding_info.uid).toEqual([]);
  });

  it("vigil posture --format asff writes FAILED compliance findings, in the --region given", async () => {
    const result = await runCli([...POSTURE, "--format", "asff", "--region", "eu-west-1"]);
    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as { ProductArn: string; Compliance: { Status: string } }[];
    expect(findings.length).toBeGreaterThan(5);
    for (const finding of findings) {
      expect(asffProblems(finding)).toEqual([]);
      expect(finding.ProductArn).toBe("arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default");
      expect(finding.Compliance.Status).toBe("FAILED");
    }
  });

  it.skipIf(OCSF_SCHEMA_MISSING !== undefined)("vigil posture --format ocsf writes one valid Compliance Finding per line", async () => {
    const result = await runCli([...POSTURE, "--format", "ocsf"]);
    expect(result.code).toBe(0);
    const records = ocsfLines(result.stdout);
    expect(records.length).toBeGreaterThan(5);
    for (const record of records) expect(schema?.validate(record, 2003), record.finding_info.uid).toEqual([]);
  });

  describe("vigil findings list, over a store where one finding was acknowledged", () => {
    let store: string;
    let id: string;
    beforeAll(async () => {
      store = tempDir();
      expect((await runCli(["scan", SAMPLES, "--store", store, "--format", "json"])).code).toBe(0);
      id = scanned[0]?.id as string;
      expect((await runCli(["findings", "ack", id, "--reason", "looking", "--store", store])).code).toBe(0);
    });

    it("--format asff exports every stored finding, the acknowledged one NOTIFIED", async () => {
      const result = await runCli(["findings", "list", "--store", store, "--format", "asff", "--limit", "1000"]);
      expect(result.code).toBe(0);
      const findings = JSON.parse(result.stdout) as { Id: string; Workflow: { Status: string } }[];
      expect(findings).toHaveLength(scanned.length);
      for (const finding of findings) expect(asffProblems(finding)).toEqual([]);
      expect(findings.find((finding) => finding.Id === id)?.Workflow.Status).toBe("NOTIFIED");
    });

    it("--format ocsf exports every stored finding, the acknowledged one In Progress", async () => {
      const result = await runCli(["findings", "list", "--store", store, "--format", "ocsf", "--limit", "1000"]);
      expect(result.code).toBe(0);
      const records = ocsfLines(result.stdout);
      expect(records).toHaveLength(scanned.length);
      expect(records.find((record) => record.finding_info.uid === id)?.status).toBe("In Progress");
      if (schema) for (const record of records) expect(schema.validate(record, 2004)).toEqual([]);
    });
  });

  it("refuses an unknown format, and the finding formats where no finding is printed", async () => {
    const [unknown, summary] = await Promise.all([
      runCli(["scan", SAMPLES, "--format", "xml", "--store", "memory"]),
      runCli(["findings", "summary", "--format", "ocsf", "--store", tempDir()]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--format: expected table, json, asff or ocsf, got "xml"');
    expect(summary.code).toBe(2);
    expect(summary.stderr).toContain("--format ocsf goes with list");
  });

  it("says in each usage text that batch-import-findings takes at most 100 findings a call", async () => {
    for (const help of await Promise.all(["scan", "posture", "findings"].map((command) => runCli([command, "--help"])))) {
      expect(help.stdout).toContain("at most 100 findings per call");
      expect(help.stdout).toContain("--format FORMAT");
    }
  });
});
