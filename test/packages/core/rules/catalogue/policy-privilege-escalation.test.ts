import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/policy-privilege-escalation";
const RULE = "policy-privilege-escalation";

describe("Rule: policy-privilege-escalation", () => {
  it("names the PassRole + Lambda combination, spread over two statements", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-passrole-lambda.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:policy/lambda-deployer",
      summary:
        "arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions created the managed policy arn:aws:iam::111122223333:policy/lambda-deployer, which grants a privilege-escalation path: iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction.",
      details: {
        escalations: [{ id: "passrole-lambda", title: "Pass a role to a new Lambda function and run it", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"] }],
      },
    });
  });

  it("matches a mixed-case action name in an inline role policy", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-create-policy-version-eventbridge.json`);

    expect(finding).toMatchObject({
      resource: "arn:aws:iam::111122223333:role/policy-editor",
      summary:
        "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz wrote the inline policy manage-team-policies on arn:aws:iam::111122223333:role/policy-editor, which grants a privilege-escalation path: iam:CreatePolicyVersion.",
    });
  });

  it("matches wildcards, and says when the new version is not the default yet", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-passrole-ec2-wildcards.json`);

    expect(finding?.summary).toBe(
      "arn:aws:iam::111122223333:user/legacy-backup created a new version of arn:aws:iam::111122223333:policy/batch-launcher (not yet the default), which grants a privilege-escalation path: iam:PassRole + ec2:RunInstances.",
    );
  });

  it("names the first paths and counts the rest when there are many", async () => {
    const [finding] = await findingsOf(RULE, "rules/policy-wildcard-action/positive-iam-star-on-group-eventbridge.json");

    expect(finding?.summary).toMatch(
      /which grants 13 privilege-escalation paths: iam:CreatePolicyVersion; iam:SetDefaultPolicyVersion; iam:AttachUserPolicy; iam:AttachGroupPolicy; iam:AttachRolePolicy and 8 more\.$/,
    );
    expect((finding?.details as { escalations: unknown[] }).escalations).toHaveLength(13);
  });

  it.each(["negative-passrole-denied.json", "negative-iam-read-only.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});
