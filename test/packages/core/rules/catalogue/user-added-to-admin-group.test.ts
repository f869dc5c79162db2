import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/user-added-to-admin-group";
const RULE = "user-added-to-admin-group";

describe("Rule: user-added-to-admin-group", () => {
  it("reports a user added to a group named like admin, whatever the case, on the user", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-admins.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:user/support-backup",
      summary: "arn:aws:iam::111122223333:user/ci-deployer added the IAM user support-backup to the privileged group Admins.",
      details: { group: "arn:aws:iam::111122223333:group/Admins", matchedPattern: "admin" },
    });
  });

  it("matches the pattern anywhere in the group name", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-platform-administrators-eventbridge.json`);

    expect(finding?.summary).toContain("added the IAM user maria to the privileged group platform-administrators.");
  });

  it.each(["negative-developers.json", "negative-ops-group.json", "negative-access-denied.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("uses the configured privileged group patterns instead of the default", async () => {
    const config = { privilegedGroupPatterns: ["^ops-"] };

    const [finding] = await findingsOf(RULE, `${DIR}/negative-ops-group.json`, { config });

    expect(finding).toMatchObject({ resource: "arn:aws:iam::111122223333:user/maria", details: { matchedPattern: "^ops-" } });
    expect(await findingsOf(RULE, `${DIR}/positive-admins.json`, { config })).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-admins.json`, { config })).toEqual([]);
  });
});
