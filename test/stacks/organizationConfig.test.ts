import { catalogue } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { StageConfigError } from "../../stacks/errors.ts";
import { loadStageConfig, parseStageConfig } from "../../stacks/stageConfig.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const ORGANIZATION = { id: "o-a1b2c3d4e5", managementAccountId: "111111111111", deploymentTargets: ["r-ab12"] };

const parse = (organization: unknown) => parseStageConfig({ organization }, "x", catalogue, "config/x.json");

describe("Stage configuration: organization", () => {
  it("leaves a stage without the block in single-account mode", () => {
    expect(parseStageConfig({}, "x", catalogue).organization).toBeUndefined();
  });

  it("fills the audit role's name and the posture concurrency, and keeps the deployment targets", () => {
    expect(parse({ ...ORGANIZATION, deploymentTargets: ["ou-ab12-11111111", "ou-ab12-22222222"] }).organization).toEqual({
      id: "o-a1b2c3d4e5",
      managementAccountId: "111111111111",
      auditRoleName: "VigilAudit",
      postureConcurrency: 10,
      deploymentTargets: ["ou-ab12-11111111", "ou-ab12-22222222"],
    });
  });

  it("reads config/org-example.json, the organization stage the stack tests synthesize", () => {
    const config = loadStageConfig(CONFIG_DIR, "org-example", catalogue);
    expect(config.organization).toEqual({
      id: "o-a1b2c3d4e5",
      managementAccountId: "111111111111",
      deploymentTargets: ["r-ab12"],
      auditRoleName: "VigilAudit",
      postureConcurrency: 10,
    });
    expect(config.remediation).toEqual({ enabled: true, olderThanDays: 90, dryRun: true });
  });

  it.each([
    [{ ...ORGANIZATION, deploymentTargets: ["Security"] }, "config/x.json: organization.deploymentTargets.0: must be a root id (r-...) or an OU id (ou-...)"],
    [{ ...ORGANIZATION, deploymentTargets: ["r-ab12", "111122223333"] }, "config/x.json: organization.deploymentTargets.1: must be a root id (r-...) or an OU id (ou-...)"],
    [{ ...ORGANIZATION, deploymentTargets: [] }, "config/x.json: organization.deploymentTargets: must name the root or at least one OU"],
    [{ ...ORGANIZATION, deploymentTargets: ["ou-ab12-11111111", "ou-ab12-11111111"] }, "config/x.json: organization.deploymentTargets: must not repeat a target"],
    [{ ...ORGANIZATION, deploymentTargets: ["r-ab12", "ou-cd34-11111111"] }, "config/x.json: organization.deploymentTargets: must all lie under one root"],
    [{ id: "o-a1b2c3d4e5", managementAccountId: "111111111111" }, "config/x.json: organization.deploymentTargets: "],
    [{ ...ORGANIZATION, id: "a1b2c3d4e5" }, "config/x.json: organization.id: must be an organization id such as o-a1b2c3d4e5"],
    [{ ...ORGANIZATION, managementAccountId: "1111" }, "config/x.json: organization.managementAccountId: must be a 12-digit AWS account id"],
    [{ ...ORGANIZATION, auditRoleName: "Vigil Audit" }, "config/x.json: organization.auditRoleName: must be an IAM role name"],
    [{ ...ORGANIZATION, postureConcurrency: 0 }, "config/x.json: organization.postureConcurrency: "],
    [{ ...ORGANIZATION, postureConcurrency: 101 }, "config/x.json: organization.postureConcurrency: "],
    [{ ...ORGANIZATION, stackSetName: "mine" }, 'config/x.json: organization: unknown key "stackSetName"'],
    ["o-a1b2c3d4e5", "config/x.json: organization: "],
  ])("names the bad key of %j", (organization, message) => {
    expect(() => parse(organization)).toThrow(StageConfigError);
    expect(() => parse(organization)).toThrow(message);
  });
});
