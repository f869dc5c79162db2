import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogue } from "@vigil/core";
import { afterAll, describe, expect, it } from "vitest";
import { StageConfigError } from "../../stacks/errors.ts";
import { DEFAULT_FORWARDER_REGIONS, loadStageConfig, parseStageConfig } from "../../stacks/stageConfig.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "vigil-stage-config-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const parse = (input: unknown, stage = "dev") => parseStageConfig(input, stage, catalogue, "config/dev.json");

describe("parseStageConfig", () => {
  it("gives a stage without settings the defaults: HIGH by email, no Slack, 90 days, three forwarder regions, no export", () => {
    const config = parse({});
    expect(config).toEqual({
      stage: "dev",
      production: false,
      alertEmails: [],
      emailMinSeverity: "HIGH",
      slack: undefined,
      opsEmails: [],
      retentionDays: 90,
      forwarderRegions: [...DEFAULT_FORWARDER_REGIONS],
      postureSchedule: "cron(0 6 * * ? *)",
      accessAdvisorJobsPerRun: 50,
      remediation: { enabled: false, olderThanDays: 90, dryRun: true },
      api: {},
      securityHub: { enabled: false, region: "us-east-1" },
      ocsf: undefined,
      vigil: { trustedAccounts: [], privilegedGroupPatterns: ["admin"], ignore: [], rules: {} },
      enabledRules: catalogue.map((rule) => rule.meta.id),
    });
    expect(DEFAULT_FORWARDER_REGIONS).toEqual(["us-east-2", "eu-north-1", "ap-southeast-2"]);
  });

  it("forwards the Identity Center Region, where CloudTrail alone records its events, unless it is forwarded or home already", () => {
    expect(parse({ identityCenterRegion: "eu-west-1" }).forwarderRegions).toEqual([...DEFAULT_FORWARDER_REGIONS, "eu-west-1"]);
    expect(parse({ identityCenterRegion: "eu-north-1" }).forwarderRegions).toEqual([...DEFAULT_FORWARDER_REGIONS]);
    expect(parse({ identityCenterRegion: "us-east-1" }).forwarderRegions).toEqual([...DEFAULT_FORWARDER_REGIONS]);
    expect(parse({ identityCenterRegion: "eu-west-1", forwarderRegions: [] }).forwarderRegions).toEqual(["eu-west-1"]);
    expect(() => parse({ identityCenterRegion: "Frankfurt" })).toThrow(/config\/dev\.json: identityCenterRegion: /);
  });

  it("reads the export settings: Security Hub in the home Region unless named, OCSF's bucket and prefix checked as S3 takes them", () => {
    expect(parse({ securityHub: { enabled: true } }).securityHub).toEqual({ enabled: true, region: "us-east-1" });
    expect(parse({ securityHub: { enabled: true, region: "eu-west-1" } }).securityHub).toEqual({ enabled: true, region: "eu-west-1" });
    expect(parse({ ocsf: { bucket: "aws-security-data-lake-us-east-1-abc" } }).ocsf).toEqual({ bucket: "aws-security-data-lake-us-east-1-abc", prefix: "" });
    expect(parse({ ocsf: { bucket: "lake", prefix: "ext/vigil/" } }).ocsf).toEqual({ bucket: "lake", prefix: "ext/vigil" });
    expect(() => parse({ securityHub: { enabled: true, region: "Ireland" } })).toThrow(/config\/dev\.json: securityHub\.region: /);
    expect(() => parse({ ocsf: { bucket: "My_Bucket" } })).toThrow(/config\/dev\.json: ocsf\.bucket: /);
    expect(() => parse({ ocsf: { bucket: "lake", prefix: "ext/../other" } })).toThrow(/config\/dev\.json: ocsf\.prefix: /);
    expect(() => parse({ securityHub: { enabled: true, accountId: "1" } })).toThrow(/securityHub: unknown key "accountId"/);
    const provider = "arn:aws:iam::999988887777:role/AmazonSecurityLake-Provider-vigil-us-east-1";
    expect(parse({ ocsf: { bucket: "lake", roleArn: provider, externalId: "vigil-1" } }).ocsf).toEqual({ bucket: "lake", prefix: "", roleArn: provider, externalId: "vigil-1" });
    expect(() => parse({ ocsf: { bucket: "lake", externalId: "vigil-1" } })).toThrow(/ocsf\.externalId: externalId needs roleArn/);
    expect(() => parse({ ocsf: { bucket: "lake", roleArn: "AmazonSecurityLake-Provider" } })).toThrow(/ocsf\.roleArn: must be an IAM role ARN/);
  });

  it("fills Slack's defaults: the /vigil/slack-webhook parameter and MEDIUM", () => {
    expect(parse({ slack: {} }).slack).toEqual({ webhookParameter: "/vigil/slack-webhook", minSeverity: "MEDIUM" });
  });

  it("treats the stages prod and production as production unless told otherwise", () => {
    expect(parse({}, "prod").production).toBe(true);
    expect(parse({}, "production").production).toBe(true);
    expect(parse({}, "prod-eu").production).toBe(false);
    expect(parse({ production: false }, "prod").production).toBe(false);
    expect(parse({ production: true }, "staging").production).toBe(true);
  });

  it("keeps the rule settings apart, as the evaluate function will read them, and routes only enabled rules", () => {
    const config = parse({ trustedAccounts: ["444455556666"], rules: { "iam-user-created": { enabled: false } } });
    expect(config.vigil).toEqual({ trustedAccounts: ["444455556666"], privilegedGroupPatterns: ["admin"], ignore: [], rules: { "iam-user-created": { enabled: false } } });
    expect(config.enabledRules).not.toContain("iam-user-created");
    expect(config.enabledRules).toHaveLength(catalogue.length - 1);
  });

  it.each([
    [{ alerts: [] }, 'config/dev.json: unknown key "alerts"'],
    [{ alertEmails: ["security@example.com", "not-an-email"] }, "config/dev.json: alertEmails.1: "],
    [{ emailMinSeverity: "URGENT" }, "config/dev.json: emailMinSeverity: "],
    [{ slack: { minSeverity: "low" } }, "config/dev.json: slack.minSeverity: "],
    [{ slack: { webhookParameter: "vigil/slack webhook" } }, "config/dev.json: slack.webhookParameter: must be an SSM parameter name"],
    [{ slack: { webhook: "https://hooks.slack.com/x" } }, 'config/dev.json: slack: unknown key "webhook"'],
    [{ retentionDays: 0 }, "config/dev.json: retentionDays: "],
    [{ forwarderRegions: ["us-east-1"] }, "config/dev.json: forwarderRegions: must not include the home region us-east-1"],
    [{ forwarderRegions: ["eu-west-1", "eu-west-1"] }, "config/dev.json: forwarderRegions: must not repeat a region"],
    [{ forwarderRegions: ["Frankfurt"] }, "config/dev.json: forwarderRegions.0: must be an AWS region"],
    [{ trustedAccounts: ["4444"] }, "config/dev.json: trustedAccounts.0: must be a 12-digit AWS account id"],
    [{ rules: { "no-such-rule": {} } }, "config/dev.json: rules.no-such-rule: unknown rule id"],
    [{ rules: { "console-login-failures": { threshold: 0 } } }, "config/dev.json: rules.console-login-failures.threshold: "],
  ])("names the bad key of %j", (input, message) => {
    expect(() => parse(input)).toThrow(StageConfigError);
    expect(() => parse(input)).toThrow(message);
  });

  it("refuses rule settings too large for the Lambda environment they travel in", () => {
    const ignore = Array.from({ length: 60 }, (_, index) => ({ principal: `arn:aws:iam::111122223333:role/automation-${index}`, reason: "pipeline role" }));
    expect(() => parse({ ignore })).toThrow(/config\/dev\.json: the rule configuration .* bytes as JSON; it travels in a Lambda environment variable/);
  });
});

describe("loadStageConfig", () => {
  it("reads config/test.json, the stage the stack tests synthesize", () => {
    const config = loadStageConfig(CONFIG_DIR, "test", catalogue);
    expect(config.alertEmails.length).toBeGreaterThan(0);
    expect(config.opsEmails.length).toBeGreaterThan(0);
    expect(config.slack).toEqual({ webhookParameter: "/vigil/slack-webhook", minSeverity: "MEDIUM" });
    expect(config.vigil.trustedAccounts).toEqual(["444455556666"]);
    expect(config.production).toBe(false);
  });

  it("gives a stage without a file the defaults", () => {
    expect(loadStageConfig(scratch, "qa", catalogue)).toEqual(parseStageConfig({}, "qa", catalogue));
  });

  it("names the file when it is not JSON", () => {
    writeFileSync(join(scratch, "broken.json"), '{ "alertEmails": [ }');
    expect(() => loadStageConfig(scratch, "broken", catalogue)).toThrow(/^config\/broken\.json: invalid JSON: /);
  });
});
