import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture, ruleFixtures } from "../../../helpers/fixtures.ts";

/** Rules whose judgement rests on request fields: without them they report what they could not read. */
const REQUEST_RULES = [
  "access-key-created",
  "admin-policy-attached",
  "cloudtrail-tampering",
  "federation-token-created",
  "iam-user-created",
  "identity-provider-changed",
  "inline-policy-on-user",
  "login-profile-created-for-other-user",
  "mfa-device-deactivated",
  "organizations-changes",
  "permissions-boundary-removed",
  "policy-default-version-changed",
  "user-added-to-admin-group",
];

function firstRecord(file: string): Record<string, unknown> {
  const value = loadFixture<Record<string, unknown>>(file);
  return (Array.isArray(value.Records) ? value.Records[0] : (value.detail ?? value)) as Record<string, unknown>;
}

/**
 * An IAM user's CreateLoginProfile or UpdateLoginProfile naming no user acts on the caller, as the
 * API documents; with the request left out that reads as its own password, which the rule lets pass.
 */
const SELF_BY_DEFAULT = "rules/login-profile-created-for-other-user/positive-update-by-iam-user-eventbridge.json";

const positives = REQUEST_RULES.flatMap((id) => ruleFixtures(id).positive.map((file) => [id, file] as const)).filter(([, file]) => file !== SELF_BY_DEFAULT);
const refused = REQUEST_RULES.flatMap((id) => ruleFixtures(id).negative.map((file) => [id, file] as const)).filter(
  ([, file]) => typeof firstRecord(file).errorCode === "string",
);

describe("Rules on a record whose request CloudTrail left out", () => {
  it.each(positives)("%s still reports %s with requestParameters and responseElements null", async (id, file) => {
    const record = { ...firstRecord(file), requestParameters: null, responseElements: null };

    const findings = (await evaluateValue(record)).filter((finding) => finding.ruleId === id);

    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings.filter((f) => f.resource === "unknown")) expect(finding.summary).toMatch(/: Vigil could not read \S+ \((absent|null|requestParameters is null|responseElements is null)\)/);
  });

  it.each(refused)("%s stays quiet on the refused call %s, request or not", async (id, file) => {
    const record = { ...firstRecord(file), requestParameters: null, responseElements: null };

    expect((await evaluateValue(record)).filter((finding) => finding.ruleId === id)).toEqual([]);
  });
});
