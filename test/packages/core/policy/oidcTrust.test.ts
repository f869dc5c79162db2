import { parsePolicy, subjectPins, unpinnedOidcTrust } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const GITHUB = "token.actions.githubusercontent.com";
const GITHUB_ARN = `arn:aws:iam::111122223333:oidc-provider/${GITHUB}`;

function gapsOf(condition: object | undefined, federated: string | string[] = GITHUB_ARN, action: string | string[] = "sts:AssumeRoleWithWebIdentity") {
  const statement = { Effect: "Allow", Principal: { Federated: federated }, Action: action, ...(condition ? { Condition: condition } : {}) };
  return unpinnedOidcTrust(parsePolicy({ Version: "2012-10-17", Statement: [statement] }));
}

describe("subjectPins", () => {
  it.each([
    ["repo:octo-org/octo-repo:ref:refs/heads/main", true],
    ["repo:octo-org/*", true],
    ["repo:*", false],
    ["repo:octo-org*", false],
    ["repo:octo*/deploy:*", false],
    ["*", false],
    ["project_path:my-group/my-project:ref_type:branch:ref:main", true],
    ["project_path:*/my-project:*", false],
    ["organization:acme:project:*", true],
    ["organization:*:project:Default Project:workspace:prod:run_phase:apply", false],
    ["system:serviceaccount:payments:*", true],
    ["system:serviceaccount:*:ledger-writer", false],
    ["org/5c3a9e3f-0e2d-4d0e-9a51-1b2c3d4e5f60/project/*", true],
    ["org/*/project/1", false],
    ["109876543210987654321", true],
    ["1098765432*", false],
  ])("%s pins: %s", (value, pins) => {
    expect(subjectPins(value)).toBe(pins);
  });
});

describe("unpinnedOidcTrust", () => {
  it("reports a GitHub provider pinned only by aud, naming the provider and the aud key", () => {
    expect(gapsOf({ StringEquals: { [`${GITHUB}:aud`]: "sts.amazonaws.com" } })).toEqual([
      { statement: { index: 0, sid: undefined }, provider: GITHUB_ARN, host: GITHUB, reason: "no subject condition", subjects: [], otherKeys: [`${GITHUB}:aud`] },
    ]);
  });

  it("does not pin with IfExists, ForAllValues or a negated operator", () => {
    for (const operator of ["StringLikeIfExists", "ForAllValues:StringEquals", "StringNotEquals"]) {
      expect(gapsOf({ [operator]: { [`${GITHUB}:sub`]: "repo:octo-org/octo-repo:ref:refs/heads/main" } }), operator).toHaveLength(1);
    }
  });

  it("takes condition keys without regard to case, and Cognito's aud as the identity pool", () => {
    expect(gapsOf({ StringEquals: { "TOKEN.actions.githubusercontent.com:SUB": "repo:octo-org/octo-repo:pull_request" } })).toEqual([]);
    expect(gapsOf({ StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-abcd-4ef0-9876-1234567890ab" } }, "cognito-identity.amazonaws.com")).toEqual([]);
  });

  it("reports Google when only aud is set: a service account mints tokens for any audience", () => {
    expect(gapsOf({ StringEquals: { "accounts.google.com:aud": "1234567890-example.apps.googleusercontent.com" } }, "accounts.google.com")).toHaveLength(1);
  });

  it("ignores SAML providers and statements that do not allow web identity", () => {
    expect(gapsOf(undefined, "arn:aws:iam::111122223333:saml-provider/Okta", "sts:AssumeRoleWithSAML")).toEqual([]);
    expect(gapsOf(undefined, GITHUB_ARN, "sts:TagSession")).toEqual([]);
  });

  it("reports each unpinned provider of a statement", () => {
    const eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    const gaps = gapsOf({ StringEquals: { [`${GITHUB}:sub`]: "repo:octo-org/octo-repo:environment:prod" } }, [GITHUB_ARN, eks]);
    expect(gaps.map((gap) => gap.host)).toEqual(["oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"]);
  });
});

describe("unpinnedOidcTrust properties", () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);
  const pinnedSubject = fc.tuple(segment, segment, fc.constantFrom("ref:refs/heads/main", "environment:production", "pull_request", "*")).map(([owner, repo, rest]) => `repo:${owner}/${repo}:${rest}`);
  const otherEntries = fc.dictionary(
    fc.constantFrom(`${GITHUB}:aud`, "aws:SourceIp", `${GITHUB}:actor`, "aws:RequestTag/team"),
    fc.oneof(fc.constant("sts.amazonaws.com"), fc.constant("*"), segment),
    { maxKeys: 3 },
  );
  const loose = fc.constantFrom("StringEquals", "StringLike", "StringNotEquals", "StringLikeIfExists", "ForAllValues:StringLike");
  const pinning = fc.constantFrom("StringEquals", "StringLike", "StringEqualsIgnoreCase", "ForAnyValue:StringLike");

  it("adding a condition that pins the subject to an owner always silences", () => {
    fc.assert(
      fc.property(loose, otherEntries, pinning, fc.array(pinnedSubject, { minLength: 1, maxLength: 3 }), (operator, others, pinOperator, subjects) => {
        const condition: Record<string, Record<string, unknown>> = { [operator]: others };
        condition[pinOperator] = { ...(condition[pinOperator] ?? {}), [`${GITHUB}:sub`]: subjects };
        expect(gapsOf(condition)).toEqual([]);
      }),
    );
  });

  it("without a subject condition with a pinning operator, the provider is always reported", () => {
    const subjectUnderWeakOperator = fc.tuple(fc.constantFrom("StringNotEquals", "StringLikeIfExists", "StringEqualsIfExists", "ForAllValues:StringEquals", "Null"), pinnedSubject);
    fc.assert(
      fc.property(loose, otherEntries, fc.option(subjectUnderWeakOperator, { nil: undefined }), (operator, others, weak) => {
        const condition: Record<string, Record<string, unknown>> = { [operator]: Object.fromEntries(Object.entries(others).filter(([key]) => !key.endsWith(":sub"))) };
        if (weak) condition[weak[0]] = { ...(condition[weak[0]] ?? {}), [`${GITHUB}:sub`]: weak[1] };
        expect(gapsOf(condition)).toHaveLength(1);
      }),
    );
  });

  it("a wildcard in the owner always reports, whatever follows", () => {
    fc.assert(
      fc.property(pinning, fc.stringMatching(/^[A-Za-z0-9-]{0,6}$/), fc.constantFrom("*", "?"), fc.string({ maxLength: 12 }), (operator, head, wildcard, tail) => {
        expect(gapsOf({ [operator]: { [`${GITHUB}:sub`]: `repo:${head}${wildcard}${tail}` } })).toHaveLength(1);
      }),
    );
  });
});
