import { sampleOf } from "@vigil/cli/src/doctor/organization/sampleAccounts.ts";
import { parseTrustPolicy, trusts } from "@vigil/cli/src/doctor/organization/trustPolicy.ts";
import { describe, expect, it } from "vitest";

const POSTURE_ROLE = "arn:aws:iam::111122223333:role/prod-vigil-Monitor-PostureFunctionServiceRole-Ab12Cd34Ef56";
const encoded = (policy: unknown) => encodeURIComponent(JSON.stringify(policy));

describe("vigil doctor: reading an audit role's trust policy", () => {
  it("accepts the posture role as principal, alone or in a list", () => {
    for (const AWS of [POSTURE_ROLE, ["arn:aws:iam::111122223333:role/Other", POSTURE_ROLE]]) {
      const policy = parseTrustPolicy(encoded({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS }, Action: "sts:AssumeRole" }] }));
      expect(policy && trusts(policy, POSTURE_ROLE)).toBe(true);
    }
  });

  it("accepts the home account pinned to the posture role by aws:PrincipalArn", () => {
    const policy = parseTrustPolicy(
      encoded({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["sts:AssumeRole"], Condition: { ArnEquals: { "aws:PrincipalArn": POSTURE_ROLE } } } }),
    );
    expect(policy && trusts(policy, POSTURE_ROLE)).toBe(true);
  });

  it("refuses the home account without that condition, a Deny, another action, and what is not a policy", () => {
    const refused = [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" },
      { Effect: "Deny", Principal: { AWS: POSTURE_ROLE }, Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: { AWS: POSTURE_ROLE }, Action: "sts:TagSession" },
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ];
    for (const statement of refused) {
      const policy = parseTrustPolicy(encoded({ Version: "2012-10-17", Statement: [statement] }));
      expect(policy && trusts(policy, POSTURE_ROLE)).toBe(false);
    }
    expect(parseTrustPolicy("%7Bnot json")).toBeUndefined();
    expect(parseTrustPolicy(encoded({ Version: "2012-10-17" }))).toBeUndefined();
  });
});

describe("vigil doctor: sampling accounts", () => {
  const accounts = ["a", "b", "c", "d", "e"];

  it("draws distinct items with the random source given, keeping their order", () => {
    const draws = [0.99, 0.5, 0];
    // 0.99 takes e, then 0.5 takes d from [b, c, d, a], then 0 takes c.
    expect(sampleOf(accounts, 3, () => draws.shift() ?? 0)).toEqual(["c", "d", "e"]);
    expect(sampleOf(accounts, 3, () => 0)).toEqual(["a", "b", "c"]);
  });

  it("takes them all when asked for more than there are", () => {
    expect(sampleOf(accounts, 9, Math.random)).toEqual(accounts);
  });
});
