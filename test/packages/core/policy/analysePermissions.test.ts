import { describe, expect, it } from "vitest";
import { permissionsOf, policy, verdicts } from "../../../helpers/policy.ts";

const allow = (action: unknown, resource: unknown = "*", extra: object = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const deny = (action: unknown, resource: unknown = "*", extra: object = {}) => ({ Effect: "Deny", Action: action, Resource: resource, ...extra });

/** Escalation methods that need no IAM action: what survives a Deny of iam:*. */
const NON_IAM_ESCALATIONS = [
  "escalation:cloudformation-change-set",
  "escalation:ec2-instance-connect",
  "escalation:ec2-user-data",
  "escalation:sagemaker-presigned-notebook-url",
  "escalation:ssm-send-command",
  "escalation:ssm-start-session",
  "escalation:update-cloudformation-stack",
  "escalation:update-glue-dev-endpoint",
  "escalation:update-lambda-code",
];

/** Escalation methods made of IAM actions alone: what iam:* grants. */
const IAM_ESCALATIONS = [
  "escalation:add-user-to-group",
  "escalation:attach-group-policy",
  "escalation:attach-role-policy",
  "escalation:attach-user-policy",
  "escalation:create-access-key",
  "escalation:create-login-profile",
  "escalation:create-policy-version",
  "escalation:put-group-policy",
  "escalation:put-role-policy",
  "escalation:put-user-policy",
  "escalation:set-default-policy-version",
  "escalation:update-assume-role-policy",
  "escalation:update-login-profile",
];

describe("Function: analysePermissions", () => {
  describe("full admin", () => {
    it.each([
      ["Action * on *", policy(allow("*"))],
      ["Action *:* on *", policy(allow("*:*"))],
      ["* in an Action list", policy(allow(["s3:GetObject", "*"], ["*"]))],
      ["a single Statement object", { Version: "2012-10-17", Statement: allow("*") }],
      ["Resource arn:*", policy(allow("*", "arn:*"))],
      ["Allow with an empty NotAction list", policy({ Effect: "Allow", NotAction: [], Resource: "*" })],
      ["Allow with a NotAction that names no real action", policy({ Effect: "Allow", NotAction: ["iam:DeleteVirtualMFADevices", "madeup:Thing"], Resource: "*" })],
      ["a Deny outside IAM", policy(allow("*"), deny("ec2:TerminateInstances"))],
      ["a Deny of IAM actions on one resource only", policy(allow("*"), deny("iam:*", "arn:aws:iam::111122223333:role/BreakGlass"))],
      ["a conditional Deny of IAM", policy(allow("*"), deny("iam:*", "*", { Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }))],
    ])("%s", (_name, document) => {
      const analysis = permissionsOf(document);

      expect(verdicts(analysis)).toEqual(["full-admin"]);
      expect(analysis.fullAdmin?.conditional).toBe(false);
    });

    it("says which statements grant it and that a condition applies", () => {
      const analysis = permissionsOf(
        policy(allow("s3:GetObject"), { Sid: "Admin", ...allow("*", "*", { Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }) }),
      );

      expect(analysis.fullAdmin).toEqual({ statements: [{ index: 1, sid: "Admin" }], conditional: true, conditionKeys: ["aws:SourceIp"] });
    });

    it("needs an action index to see that a NotAction names nothing real", () => {
      const analysis = permissionsOf(policy({ Effect: "Allow", NotAction: "madeup:Thing", Resource: "*" }), { actionIndex: false });

      expect(analysis.fullAdmin).toBeUndefined();
      expect(analysis.notActions.map((grant) => [grant.grantsIam, grant.grantedActionCount])).toEqual([[true, undefined]]);
    });

    it("is cancelled by a Deny of everything", () => {
      expect(verdicts(permissionsOf(policy(allow("*"), deny("*"))))).toEqual([]);
    });

    it("is demoted to an all-actions wildcard by a Deny that removes IAM writes", () => {
      expect(verdicts(permissionsOf(policy(allow("*"), deny(["iam:*", "organizations:*"]))))).toEqual(["all-actions:*", ...NON_IAM_ESCALATIONS].sort());
      expect(verdicts(permissionsOf(policy(allow("*"), deny("iam:PutRolePolicy"))))).toContain("all-actions:*");
    });

    it("is not granted on listed resources or with NotResource", () => {
      const scoped = permissionsOf(policy(allow("*", ["arn:aws:s3:::example-data-lake", "arn:aws:s3:::example-data-lake/*"])));
      const allBut = permissionsOf(policy({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::audit/*" }));

      expect(verdicts(scoped)).toEqual(["all-actions:*"]);
      expect(allBut.fullAdmin).toBeUndefined();
      expect(allBut.wildcards.map((grant) => grant.resources)).toEqual([{ kind: "all-except", patterns: ["arn:aws:s3:::audit/*"] }]);
      expect(verdicts(allBut)).toContain("escalation:create-policy-version");
    });
  });

  describe("service-wide wildcards", () => {
    it.each([
      ["iam:*", policy(allow("iam:*")), ["wildcard:iam:*", ...IAM_ESCALATIONS]],
      ["IAM:* in mixed case", policy(allow("IAM:*")), ["wildcard:iam:*", ...IAM_ESCALATIONS]],
      ["iam:?*", policy(allow("iam:?*")), ["wildcard:iam:?*", ...IAM_ESCALATIONS]],
      ["s3:* on a bucket", policy(allow("s3:*", "arn:aws:s3:::example-data/*")), ["wildcard:s3:*"]],
      ["several in one list", policy(allow(["s3:*", "sqs:*"], ["arn:aws:s3:::a/*", "arn:aws:sqs:us-east-1:111122223333:q"])), ["wildcard:s3:*", "wildcard:sqs:*"]],
      ["partial wildcards only", policy(allow(["s3:Get*", "s3:List*", "iam:Get*"])), []],
    ])("%s", (_name, document, expected) => {
      expect(verdicts(permissionsOf(document))).toEqual([...expected].sort());
    });

    it("names the services a prefix wildcard covers, with the action index", () => {
      const [grant] = permissionsOf(policy(allow("i*:*"))).wildcards;
      const [bare] = permissionsOf(policy(allow("i*:*")), { actionIndex: false }).wildcards;

      expect(grant?.services).toEqual(expect.arrayContaining(["iam", "identitystore", "inspector2", "iot"]));
      expect(bare?.services).toEqual(["i*"]);
    });

    it.each([
      ["a Deny of the same wildcard on the same resource", deny("s3:*", "arn:aws:s3:::example-data/*")],
      ["a Deny of a broader wildcard on broader resources", deny("s3:*", "arn:aws:s3:::*")],
      ["a Deny of everything on *", deny("*")],
      ["a Deny with NotResource that spares only other buckets", { Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::other-bucket/*" }],
      ["a Deny with NotAction that keeps only other services", { Effect: "Deny", NotAction: "ec2:*", Resource: "*" }],
    ])("is removed by %s", (_name, denial) => {
      expect(verdicts(permissionsOf(policy(allow("s3:*", "arn:aws:s3:::example-data/*"), denial)))).toEqual([]);
    });

    it.each([
      ["a Deny of part of the service", deny("s3:Delete*", "arn:aws:s3:::example-data/*")],
      ["a Deny on another bucket", deny("s3:*", "arn:aws:s3:::other-bucket/*")],
      ["a conditional Deny", deny("s3:*", "*", { Condition: { Bool: { "aws:SecureTransport": "false" } } })],
      ["a Deny with NotAction that keeps part of the service", { Effect: "Deny", NotAction: "s3:Get*", Resource: "*" }],
      ["a Deny with NotResource that spares the bucket", { Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::example-data/*" }],
    ])("is kept despite %s", (_name, denial) => {
      expect(verdicts(permissionsOf(policy(allow("s3:*", "arn:aws:s3:::example-data/*"), denial)))).toEqual(["wildcard:s3:*"]);
    });
  });

  describe("Allow with NotAction", () => {
    it("reads PowerUserAccess as everything but IAM, Organizations and Account", () => {
      const analysis = permissionsOf(policy({ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" }));

      expect(verdicts(analysis)).toEqual(["notaction", ...NON_IAM_ESCALATIONS].sort());
      expect(analysis.notActions[0]?.grantedActionCount).toBeGreaterThan(20_000);
    });

    it("says when IAM is still granted, and counts what a Deny takes away", () => {
      const open = permissionsOf(policy({ Effect: "Allow", NotAction: "s3:DeleteBucket", NotResource: "arn:aws:s3:::audit/*" }));
      const narrowed = permissionsOf(policy({ Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "*" }, deny("iam:*")));

      expect(open.notActions.map((grant) => grant.grantsIam)).toEqual([true]);
      expect(narrowed.notActions.map((grant) => grant.grantsIam)).toEqual([false]);
      expect(narrowed.notActions[0]?.grantedActionCount).toBeLessThan(open.notActions[0]?.grantedActionCount ?? 0);
    });

    it("reads without an action index from the patterns alone", () => {
      const power = permissionsOf(policy({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }), { actionIndex: false });
      const keepsIam = permissionsOf(policy({ Effect: "Allow", NotAction: ["s3:*"], Resource: "*" }), { actionIndex: false });

      expect(power.notActions.map((grant) => [grant.grantsIam, grant.grantedActionCount])).toEqual([[false, undefined]]);
      expect(keepsIam.notActions.map((grant) => grant.grantsIam)).toEqual([true]);
    });

    it("ignores a Deny with NotAction (the force-MFA pattern)", () => {
      const document = policy(
        allow(["iam:ListMFADevices", "iam:ResyncMFADevice"], "arn:aws:iam::*:user/${aws:username}"),
        { Effect: "Deny", NotAction: ["iam:ListMFADevices", "sts:GetSessionToken"], Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } },
      );

      expect(verdicts(permissionsOf(document))).toEqual([]);
    });

    it("grants nothing with a NotAction of *", () => {
      expect(verdicts(permissionsOf(policy({ Effect: "Allow", NotAction: "*", Resource: "*" }), { actionIndex: false }))).toEqual([]);
    });

    it("is gone when a Deny takes everything away", () => {
      expect(verdicts(permissionsOf(policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }, deny("*"))))).toEqual([]);
    });
  });

  describe("privilege escalation", () => {
    it.each([
      ["iam:CreatePolicyVersion alone", [allow("iam:CreatePolicyVersion", "arn:aws:iam::111122223333:policy/*")], ["escalation:create-policy-version"]],
      ["PassRole + CreateFunction + InvokeFunction", [allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])], ["escalation:passrole-lambda"]],
      ["PassRole + CreateFunction + CreateEventSourceMapping", [allow(["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"])], ["escalation:passrole-lambda"]],
      ["PassRole + CreateFunction without a trigger", [allow(["iam:PassRole", "lambda:CreateFunction"])], []],
      ["PassRole + RunInstances by wildcards", [allow(["iam:Pass*", "ec2:Run*"])], ["escalation:passrole-ec2"]],
      ["PassRole + Glue dev endpoint", [allow(["iam:PassRole", "glue:CreateDevEndpoint"])], ["escalation:passrole-glue-dev-endpoint"]],
      ["PassRole + CloudFormation CreateStack", [allow(["iam:PassRole", "cloudformation:CreateStack"])], ["escalation:passrole-cloudformation"]],
      ["PassRole + Data Pipeline without a definition", [allow(["iam:PassRole", "datapipeline:CreatePipeline"])], []],
      ["PassRole + Data Pipeline", [allow(["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"])], ["escalation:passrole-datapipeline"]],
      ["actions spread over statements", [allow("iam:PassRole", "arn:aws:iam::111122223333:role/lambda-*"), allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "arn:aws:lambda:us-east-1:111122223333:function:*")], ["escalation:passrole-lambda"]],
      ["UpdateAssumeRolePolicy", [allow("iam:UpdateAssumeRolePolicy")], ["escalation:update-assume-role-policy"]],
      ["read-only IAM", [allow(["iam:Get*", "iam:List*"])], []],
      ["PassRole denied", [allow(["iam:PassRole", "ec2:RunInstances"]), deny("iam:PassRole")], []],
      ["PassRole denied on other roles only", [allow(["iam:PassRole", "ec2:RunInstances"]), deny("iam:PassRole", "arn:aws:iam::111122223333:role/admin-*")], ["escalation:passrole-ec2"]],
      ["* on an S3 bucket, which holds no IAM resource", [allow("*", "arn:aws:s3:::example-data/*")], ["all-actions:*"]],
      ["ssm:SendCommand on instances", [allow("ssm:SendCommand", "arn:aws:ec2:us-east-1:111122223333:instance/*")], ["escalation:ssm-send-command"]],
    ])("%s", (_name, statements, expected) => {
      expect(verdicts(permissionsOf(policy(...statements)))).toEqual([...expected].sort());
    });
  });

  describe("grants", () => {
    it("answers for one action, case-insensitively, after Denies and resource reach", () => {
      const analysis = permissionsOf(policy(allow(["iam:Pass*", "s3:*"], ["arn:aws:iam::111122223333:role/app-*", "arn:aws:s3:::data/*"]), deny("s3:DeleteObject")));

      expect(analysis.grants("IAM:PASSROLE")).toBe(true);
      expect(analysis.grants("s3:GetObject")).toBe(true);
      expect(analysis.grants("s3:DeleteObject")).toBe(false);
      expect(analysis.grants("ec2:RunInstances")).toBe(false);
    });

    it("grants nothing through an empty Resource list or a NotResource of *", () => {
      expect(permissionsOf(policy(allow("*", []))).grants("iam:PassRole")).toBe(false);
      expect(permissionsOf(policy({ Effect: "Allow", Action: "*", NotResource: "*" })).grants("iam:PassRole")).toBe(false);
    });
  });
});
