import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/trust-policy-oidc-unrestricted";
const RULE = "trust-policy-oidc-unrestricted";

describe("Rule: trust-policy-oidc-unrestricted", () => {
  it("reports a role trusting GitHub Actions with only an aud condition as CRITICAL", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-github-aud-only.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      resource: "arn:aws:iam::111122223333:role/github-deploy",
      summary:
        "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/terraform created the role arn:aws:iam::111122223333:role/github-deploy so that any identity of token.actions.githubusercontent.com can assume it: no condition pins the token's subject.",
    });
  });

  it("reports a trust policy changed to any repository (repo:*), quoting the subject", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-github-any-repo-eventbridge.json`);

    expect(finding?.summary).toBe(
      "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/terraform changed the trust policy of arn:aws:iam::111122223333:role/github-deploy so that any identity of token.actions.githubusercontent.com can assume it: its subject condition (repo:*) leaves the owner open.",
    );
  });

  it.each(["negative-github-repo-pinned.json", "negative-eks-service-account.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});
