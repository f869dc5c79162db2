import { describe, expect, it } from "vitest";
import { findingsOf, passwordPolicy, ROOT, run, snapshot, summaries } from "../snapshot.ts";

const ID = "password-policy-weak";

describe("Check: password-policy-weak", () => {
  it("reports an account without a password policy", () => {
    const findings = findingsOf(ID, snapshot({ passwordPolicy: passwordPolicy("absent") }));
    expect(findings.map(({ severity, principal, resource, summary, details }) => ({ severity, principal, resource, summary, details }))).toEqual([
      {
        severity: "MEDIUM",
        principal: ROOT,
        resource: ROOT,
        summary: "The account has no password policy: IAM user passwords need only AWS's default 8 characters (required: 14) and may be reused.",
        details: { passwordPolicy: null },
      },
    ]);
  });

  it("names each setting below CIS with its value", () => {
    const findings = findingsOf(ID, snapshot({ passwordPolicy: passwordPolicy("weak") }));
    expect(summaries(findings)).toEqual([
      "The account password policy is below CIS: its minimum password length 8 is below 14, and it does not prevent password reuse (required: the last 24).",
    ]);
    expect(findings[0]?.details).toEqual({ minimumPasswordLength: 8, passwordReusePrevention: null });
    const partial = findingsOf(ID, snapshot({ passwordPolicy: { ...passwordPolicy("strong"), PasswordReusePrevention: 5 } }));
    expect(summaries(partial)).toEqual(["The account password policy is below CIS: it prevents reuse of the last 5 passwords, below 24."]);
  });

  it("is silent on a policy that meets CIS, or the thresholds configured", () => {
    expect(findingsOf(ID, snapshot({ passwordPolicy: passwordPolicy("strong") }))).toEqual([]);
    const weak = { ...passwordPolicy("weak"), PasswordReusePrevention: 3 };
    expect(findingsOf(ID, snapshot({ passwordPolicy: weak }), { config: { rules: { [ID]: { minimumLength: 8, reusePrevention: 3 } } } })).toEqual([]);
  });

  it("is skipped when the snapshot could not read the policy", () => {
    expect(run(snapshot()).skipped).toContainEqual({ checkId: ID, reason: "needs the password policy (absent from the snapshot)" });
  });
});
