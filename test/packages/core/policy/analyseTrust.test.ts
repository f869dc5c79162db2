import { externalAccounts } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { policy, trustOf } from "../../../helpers/policy.ts";

const HOME = "111122223333";
const assume = (principal: unknown, extra: object = {}) => ({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra });

describe("Function: analyseTrust", () => {
  describe("public", () => {
    it.each([
      ['Principal "*"', policy(assume("*")), "Principal *"],
      ['{"AWS": "*"}', policy(assume({ AWS: "*" })), "AWS *"],
      ['"*" in an AWS list', policy(assume({ AWS: [`arn:aws:iam::${HOME}:root`, "*"] })), "AWS *"],
      ["NotPrincipal with Allow", policy({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${HOME}:role/Admin` }, Action: "sts:AssumeRole" }), "NotPrincipal"],
      ["Action sts:* on a single statement object", { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:*" } }, "AWS *"],
      ["NotAction that leaves AssumeRole", policy({ Effect: "Allow", Principal: "*", NotAction: "sts:TagSession" }), "Principal *"],
    ])("%s", (_name, document, via) => {
      expect(trustOf(document).public.map((grant) => grant.via)).toEqual([via]);
    });

    it("names the conditions that do not restrict the caller", () => {
      const trust = trustOf(policy(assume({ AWS: "*" }, { Condition: { StringEquals: { "sts:ExternalId": "vendor-7731" }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })));

      expect(trust.public).toEqual([{ statement: { index: 0, sid: undefined }, via: "AWS *", conditionKeys: ["aws:SourceIp", "sts:ExternalId"] }]);
    });

    it.each([
      ["aws:PrincipalOrgID", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
      ["aws:PrincipalAccount", { StringEquals: { "aws:PrincipalAccount": HOME } }],
      ["aws:PrincipalArn via ArnLike", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${HOME}:role/ops-*` } }],
      ["aws:SourceAccount", { StringEquals: { "aws:SourceAccount": HOME } }],
    ])("is not public when %s restricts the caller", (_name, condition) => {
      expect(trustOf(policy(assume("*", { Condition: condition }))).public).toEqual([]);
    });

    it.each([
      ["StringLike *", { StringLike: { "aws:PrincipalAccount": "*" } }],
      ["IfExists", { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
      ["ForAllValues", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
      ["a negated operator", { StringNotEquals: { "aws:PrincipalAccount": "444455556666" } }],
    ])("is still public when the condition is %s", (_name, condition) => {
      expect(trustOf(policy(assume("*", { Condition: condition }))).public).toHaveLength(1);
    });

    it("is not public for statements that do not allow assuming", () => {
      expect(trustOf(policy({ Effect: "Allow", Principal: "*", Action: "sts:TagSession" })).public).toEqual([]);
      expect(trustOf(policy({ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" })).public).toEqual([]);
    });

    it("is cancelled by an unconditional Deny for everyone", () => {
      expect(trustOf(policy(assume("*"), { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:*" })).public).toEqual([]);
    });

    it("is fenced in by a Deny for everyone outside the organization", () => {
      const trust = trustOf(policy(assume("*"), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }));

      expect(trust.public).toEqual([]);
      expect(trust.accounts).toEqual([]);
    });

    it("is fenced in by a Deny with NotPrincipal, and names the spared account", () => {
      const trust = trustOf(policy(assume("*"), { Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "sts:AssumeRole" }));

      expect(trust.public).toEqual([]);
      expect(trust.accounts).toEqual(["444455556666"]);
    });

    it("does not let a NotPrincipal fence add its account to an Allow already restricted by a condition", () => {
      // Found by the "adding a Deny never adds a grant" property: the condition names no account.
      const restricted = assume("*", { Condition: { StringEquals: { "aws:PrincipalAccount": "x" } } });
      const trust = trustOf(policy(restricted, { Effect: "Deny", NotPrincipal: { AWS: "444455556666" }, Action: "sts:AssumeRole" }));

      expect(trust.public).toEqual([]);
      expect(trust.accounts).toEqual([]);
    });

    it("stays public when a Deny covers only one of the assume actions allowed", () => {
      const trust = trustOf(policy(assume("*", { Action: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"] }), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }));

      expect(trust.public).toHaveLength(1);
    });
  });

  describe("accounts", () => {
    it("reads every AWS principal form and ignores services, federation and canonical users", () => {
      const trust = trustOf(
        policy(
          assume({
            AWS: ["444455556666", "arn:aws:iam::555566667777:root", "arn:aws:iam::666677778888:role/ci/deployer", "arn:aws:iam::777788889999:user/ana", "arn:aws:sts::888899990000:assumed-role/ops/sam", "AROA6ON6E4XEDELETED01"],
            Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"],
            Federated: `arn:aws:iam::${HOME}:saml-provider/Okta`,
            CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
          }),
        ),
      );

      expect(trust.accounts).toEqual(["444455556666", "555566667777", "666677778888", "777788889999", "888899990000"]);
      expect(trust.unresolved).toEqual(["AROA6ON6E4XEDELETED01"]);
      expect(trust.principals.filter((p) => p.account === undefined).map((p) => `${p.type}:${p.value}`)).toEqual([
        "AWS:AROA6ON6E4XEDELETED01",
        "Service:ec2.amazonaws.com",
        "Service:lambda.amazonaws.com",
        `Federated:arn:aws:iam::${HOME}:saml-provider/Okta`,
        "CanonicalUser:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
      ]);
    });

    it("adds accounts pinned by conditions, for wildcard and service principals alike", () => {
      const trust = trustOf(
        policy(
          assume("*", { Condition: { StringEquals: { "aws:PrincipalAccount": ["444455556666"] } } }),
          assume({ Service: "cloudtrail.amazonaws.com" }, { Condition: { StringEquals: { "aws:SourceAccount": "555566667777" } } }),
        ),
      );

      expect(trust.public).toEqual([]);
      expect(trust.accounts).toEqual(["444455556666", "555566667777"]);
    });

    it("drops named accounts a Deny fences out", () => {
      const trust = trustOf(
        policy(assume({ AWS: ["arn:aws:iam::444455556666:root", `arn:aws:iam::${HOME}:root`] }), {
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
          Condition: { StringNotEquals: { "aws:PrincipalAccount": HOME } },
        }),
      );

      expect(trust.accounts).toEqual([HOME]);
    });

    it("ignores statements a Deny cancels", () => {
      const trust = trustOf(policy(assume({ AWS: "444455556666" }), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }));

      expect(trust.accounts).toEqual([]);
    });
  });

  describe("organizations", () => {
    it("records the organizations an Allow's conditions let in, by id or path, with the principal that names them", () => {
      const trust = trustOf(
        policy(
          assume("*", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-f9e8d7c6b5" } } }),
          assume({ AWS: "*" }, { Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"] } } }),
        ),
      );

      expect(trust.public).toEqual([]);
      expect(trust.accounts).toEqual([]);
      expect(trust.organizations).toEqual(["o-a1b2c3d4e5", "o-f9e8d7c6b5"]);
      expect(trust.principals.map((principal) => [principal.statement.index, principal.type, principal.value, principal.organization])).toEqual([
        [0, "Condition", "o-f9e8d7c6b5", "o-f9e8d7c6b5"],
        [1, "Condition", "o-a1b2c3d4e5", "o-a1b2c3d4e5"],
      ]);
    });

    it("takes the organization a Deny fences a public Allow in to", () => {
      const trust = trustOf(
        policy(assume({ AWS: "*" }), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
      );

      expect(trust.public).toEqual([]);
      expect(trust.organizations).toEqual(["o-a1b2c3d4e5"]);
    });

    it("drops an organization a Deny's organization fence shuts out", () => {
      const trust = trustOf(
        policy(assume("*", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-f9e8d7c6b5" } } }), {
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRole",
          Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        }),
      );

      expect(trust.organizations).toEqual([]);
    });

    it("records none for a condition that does not pin the organization", () => {
      const trust = trustOf(policy(assume("*", { Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } })));

      expect(trust.public.map((grant) => grant.via)).toEqual(["Principal *"]);
      expect(trust.organizations).toEqual([]);
    });
  });
});

describe("Function: externalAccounts", () => {
  it("leaves out the role's own account and trusted accounts", () => {
    const trust = trustOf(policy(assume({ AWS: [HOME, "444455556666", "arn:aws:iam::555566667777:role/x"] })));

    expect(externalAccounts(trust, HOME)).toEqual(["444455556666", "555566667777"]);
    expect(externalAccounts(trust, HOME, ["444455556666"])).toEqual(["555566667777"]);
  });
});
