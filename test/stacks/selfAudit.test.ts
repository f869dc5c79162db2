import { severityRank } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import { auditFindings, auditRecords, type AuditedDocument, type TemplateUnderAudit, UnresolvableIntrinsicError, unauditedPolicies } from "./policyAudit.ts";

let audited: TemplateUnderAudit[];

beforeAll(async () => {
  const stages = [await synthesizeForTest("test"), await synthesizeForTest("prod")];
  audited = stages.flatMap((stage) =>
    stage.stacks.map((stack) => ({ stackName: stack.stackName, region: stack.region, account: TEST_ACCOUNT, template: stack.template as TemplateUnderAudit["template"] })),
  );
});

const above = (minimum: "LOW") => (finding: { severity: Parameters<typeof severityRank>[0] }) => severityRank(finding.severity) > severityRank(minimum);

describe("self-audit: Vigil's rules on Vigil's own policies", () => {
  it("records every policy document of every stack, of both stages, and leaves none unrecorded", () => {
    expect(audited.map((stack) => `${stack.stackName} ${stack.region}`)).toHaveLength(8);
    for (const stack of audited) expect(unauditedPolicies(stack), stack.stackName).toEqual([]);
    const documents = audited.flatMap(auditRecords);
    const kinds = new Set(documents.map((document) => document.record.eventName));
    expect(kinds).toEqual(new Set(["UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy", "CreatePolicy"]));
    // Each role's trust policy and policies, and each queue, topic and key policy and Lambda permission, both ways.
    const labels = new Set(documents.map((document) => document.label));
    const expected: Record<string, string[]> = {
      "AWS::IAM::Role": ["trust policy"],
      "AWS::IAM::Policy": [],
      "AWS::SQS::QueuePolicy": ["resource policy, what it allows", "resource policy, who it lets in"],
      "AWS::SNS::TopicPolicy": ["resource policy, what it allows", "resource policy, who it lets in"],
      "AWS::KMS::Key": ["resource policy, what it allows", "resource policy, who it lets in"],
      "AWS::Lambda::Permission": ["resource policy, what it allows", "resource policy, who it lets in"],
    };
    for (const stack of audited) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        const prefix = `${stack.stackName} (${stack.region})/${logicalId}: `;
        for (const what of expected[resource.Type] ?? []) expect(labels, prefix + what).toContain(prefix + what);
        if (resource.Type === "AWS::IAM::Policy") expect([...labels].some((label) => label.startsWith(`${prefix}policy on `)), logicalId).toBe(true);
      }
    }
    for (const type of Object.keys(expected)) {
      expect(audited.some((stack) => Object.values(stack.template.Resources ?? {}).some((resource) => resource.Type === type)), type).toBe(true);
    }
  });

  it("finds nothing above LOW in any of them", async () => {
    const findings = await auditFindings(audited.flatMap(auditRecords));
    expect(findings.filter(above("LOW")).map((finding) => `${finding.severity} ${finding.ruleId}: ${finding.document}: ${finding.summary}`)).toEqual([]);
  });
});

describe("self-audit: the audit itself", () => {
  const partition = { Ref: "AWS::Partition" };
  const bad: TemplateUnderAudit = {
    stackName: "bad",
    region: "us-east-1",
    account: TEST_ACCOUNT,
    template: {
      Resources: {
        OpenRole: {
          Type: "AWS::IAM::Role",
          Properties: {
            AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] },
            ManagedPolicyArns: [{ "Fn::Join": ["", ["arn:", partition, ":iam::aws:policy/AdministratorAccess"]] }],
            Policies: [{ PolicyName: "everything", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
          },
        },
        EscalationPolicy: {
          Type: "AWS::IAM::Policy",
          Properties: {
            PolicyName: "deploy-functions",
            Roles: [{ Ref: "OpenRole" }],
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }],
            },
          },
        },
        PublicQueue: { Type: "AWS::SQS::Queue" },
        PublicQueuePolicy: {
          Type: "AWS::SQS::QueuePolicy",
          Properties: {
            Queues: [{ Ref: "PublicQueue" }],
            PolicyDocument: { Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": ["PublicQueue", "Arn"] } }] },
          },
        },
        SharedKey: {
          Type: "AWS::KMS::Key",
          Properties: {
            KeyPolicy: {
              Statement: [{ Effect: "Allow", Principal: { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::999988887777:root" } }, Action: "kms:*", Resource: "*" }],
            },
          },
        },
      },
    },
  };

  it("reports each planted problem, at its document", async () => {
    const findings = (await auditFindings(auditRecords(bad))).filter(above("LOW"));
    const reported = findings.map((finding) => [finding.ruleId, finding.document.replace(/^bad \(us-east-1\)\//, "")]);
    expect(reported).toEqual(
      expect.arrayContaining([
        ["trust-policy-public", "OpenRole: trust policy"],
        ["admin-policy-attached", "OpenRole: managed policy arn:aws:iam::aws:policy/AdministratorAccess"],
        ["policy-grants-full-admin", "OpenRole: inline policy everything"],
        ["policy-privilege-escalation", "EscalationPolicy: policy on bad-OpenRole"],
        ["trust-policy-public", "PublicQueuePolicy: resource policy, who it lets in"],
        ["trust-policy-external-account", "SharedKey: resource policy, who it lets in"],
        ["policy-wildcard-action", "SharedKey: resource policy, what it allows"],
      ]),
    );
  });

  it("refuses a template it cannot resolve rather than skip it", () => {
    const unknown: TemplateUnderAudit = {
      ...bad,
      template: { Resources: { Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { "Fn::ImportValue": "elsewhere" } } } } },
    };
    expect(() => auditRecords(unknown)).toThrow(UnresolvableIntrinsicError);
  });

  it("names a resource holding a policy it has not been taught to read", () => {
    const repository: TemplateUnderAudit = {
      ...bad,
      template: { Resources: { Repo: { Type: "AWS::ECR::Repository", Properties: { RepositoryPolicyText: { Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*" }] } } } } },
    };
    expect(unauditedPolicies(repository)).toEqual(["bad/Repo (AWS::ECR::Repository)"]);
  });

  it("wraps documents as the CloudTrail records IAM writes: the document as JSON text, intrinsics resolved", () => {
    const documents: AuditedDocument[] = auditRecords(bad);
    const inline = documents.find((document) => document.label.endsWith("inline policy everything"));
    expect(inline?.record).toMatchObject({
      eventSource: "iam.amazonaws.com",
      eventName: "PutRolePolicy",
      recipientAccountId: TEST_ACCOUNT,
      requestParameters: { roleName: "bad-OpenRole", policyName: "everything", policyDocument: expect.any(String) },
    });
    const queue = documents.find((document) => document.label.endsWith("PublicQueuePolicy: resource policy, what it allows"));
    const parameters = queue?.record.requestParameters as { policyDocument: string };
    expect(JSON.parse(parameters.policyDocument).Statement[0].Resource).toBe(`arn:aws:sqs:us-east-1:${TEST_ACCOUNT}:bad-PublicQueue`);
  });
});
