import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture } from "../../../helpers/fixtures.ts";

const RULE = "iam-user-created";
const REASON = expect.stringMatching(/^REPLACE: /);

/** The CreateUser fixture (the IAM user ci-deployer, with the AWS CLI), with fields changed. */
function createUser(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const record = loadFixture<{ Records: Record<string, unknown>[] }>("rules/iam-user-created/positive-by-access-key.json").Records[0]!;
  return { ...record, ...changes };
}
const roleSession = () => (loadFixture<Record<string, unknown>>("rules/iam-user-created/negative-access-denied.json").userIdentity as Record<string, any>);

async function suggestion(record: Record<string, unknown>) {
  const [finding] = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);
  expect(finding, "the record fires").toBeDefined();
  return finding?.silenceWith;
}

describe("Class: Engine, silenceWith", () => {
  it("suggests the calling IAM user and the one rule, with a reason left for the reviewer", async () => {
    expect(await suggestion(createUser())).toEqual({ principal: "arn:aws:iam::111122223333:user/ci-deployer", rules: [RULE], reason: REASON });
  });

  it("suggests a role session's role, so that the next session of the role is covered too", async () => {
    expect(await suggestion(createUser({ userIdentity: roleSession() }))).toEqual({ principal: "arn:aws:iam::111122223333:role/Developer", rules: [RULE], reason: REASON });
  });

  it("narrows to the service when one acted for the principal", async () => {
    const identity = { ...roleSession(), invokedBy: "cloudformation.amazonaws.com" };
    const record = createUser({ userIdentity: identity, sourceIPAddress: "cloudformation.amazonaws.com", userAgent: "cloudformation.amazonaws.com" });
    expect(await suggestion(record)).toEqual({ invokedBy: "cloudformation.amazonaws.com", principal: "arn:aws:iam::111122223333:role/Developer", rules: [RULE], reason: REASON });
  });

  it.each([
    ["APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2", "*terraform*"],
    ["APN/1.0 Pulumi/1.0 pulumi-aws/6.56.1 (+https://pulumi.com) aws-sdk-go-v2/1.32.2", "*pulumi*"],
    ["aws-sdk-js/2.1692.0 linux/v20.18.0 aws-cdk/2.167.1 promise", "*aws-cdk/*"],
    ["Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112 lang/python#3.12.7 Botocore/1.35.54 Ansible/2.17.5 amazon.aws/8.2.1", "*ansible/*"],
    ["crossplane-provider-aws/v1.16.0 aws-sdk-go-v2/1.30.4", "*crossplane*"],
  ])("narrows to the infrastructure-as-code tool a user agent names: %s", async (userAgent, glob) => {
    expect(await suggestion(createUser({ userAgent }))).toEqual({ principal: "arn:aws:iam::111122223333:user/ci-deployer", userAgent: glob, rules: [RULE], reason: REASON });
  });

  it("suggests nothing for an anonymous caller, whom only a match-everything entry would name", async () => {
    const record = createUser({ userIdentity: { type: "AWSAccount", accountId: "444455556666" } });
    expect(await suggestion(record)).toBeUndefined();
  });
});
