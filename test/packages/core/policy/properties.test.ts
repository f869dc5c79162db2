import {
  analysePermissions,
  analyseTrust,
  escalationActions,
  type PermissionAnalysis,
  type PolicyDocument,
  PolicyParseError,
  parsePolicy,
  type TrustAnalysis,
} from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actions, verdicts } from "../../../helpers/policy.ts";

const listOrOne = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { maxLength: 4 }));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const actionName = fc.oneof(
  fc.constantFrom("*", "*:*", "iam:*", "IAM:PassRole", "iam:Pass*", "iam:CreatePolicyVersion", "iam:?*", "i*:*", "iam:Get*", "s3:GetObject", "s3:*", "s3:?*"),
  fc.constantFrom("lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances", "sts:AssumeRole", "sts:*", "sts:TagSession", "madeup:Thing", "ssm:SendCommand"),
  fc.stringMatching(/^[a-z0-9*?-]{1,6}:[A-Za-z*?]{0,8}$/),
  fc.string({ maxLength: 10 }),
);
const resource = fc.oneof(
  fc.constantFrom("*", "arn:*", "arn:aws:s3:::data/*", "arn:aws:s3:::*", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:role/x", "arn:aws:ec2:*:*:instance/*"),
  fc.string({ maxLength: 16 }),
);
const awsPrincipal = fc.constantFrom("*", "444455556666", "arn:aws:iam::555566667777:root", "arn:aws:iam::111122223333:role/x", "arn:aws:sts::666677778888:assumed-role/r/s", "AROA6ON6E4XEDELETED01");
const principal = fc.oneof(
  fc.constant("*" as const),
  fc.record({ AWS: listOrOne(awsPrincipal) }),
  fc.record({ Service: listOrOne(fc.constantFrom("ec2.amazonaws.com", "lambda.amazonaws.com")) }),
  fc.record({ Federated: fc.constant("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"), AWS: listOrOne(awsPrincipal) }),
);
const condition = fc.dictionary(
  fc.constantFrom("StringEquals", "StringLike", "StringNotEquals", "StringNotEqualsIfExists", "ForAllValues:StringEquals", "ForAnyValue:StringLike", "StringEqualsIfExists", "ArnLike", "Bool", "Null"),
  fc.dictionary(
    fc.constantFrom(
      "aws:PrincipalAccount",
      "aws:PrincipalOrgID",
      "aws:PrincipalOrgPaths",
      "aws:SourceOrgID",
      "aws:PrincipalArn",
      "aws:SourceAccount",
      "aws:SourceArn",
      "sts:ExternalId",
      "aws:SourceIp",
      "aws:MultiFactorAuthPresent",
    ),
    listOrOne(
      fc.constantFrom(
        "*",
        "444455556666",
        "111122223333",
        "o-a1b2c3d4e5",
        "o-f9e8d7c6b5",
        "o-*",
        "o-a1b2c3d4e5/r-ab12/*",
        "o-f9e8d7c6b5/r-zz99/ou-zz99-22222222/",
        "arn:aws:iam::444455556666:role/*",
        "arn:aws:iam::*:role/x",
        "true",
        "x",
      ),
    ),
    { maxKeys: 2 },
  ),
  { maxKeys: 2 },
);

/** Statements IAM would accept in shape (the values may still be nonsense). */
const statement = fc
  .record({
    sid: optional(fc.constantFrom("A", "B", "Admin")),
    effect: fc.constantFrom("Allow", "Allow", "Deny"),
    actions: fc.tuple(fc.boolean(), listOrOne(actionName)),
    resources: fc.tuple(fc.constantFrom("Resource", "NotResource", "none"), listOrOne(resource)),
    principal: fc.tuple(fc.constantFrom("Principal", "NotPrincipal", "none", "none"), principal),
    condition: optional(condition),
  })
  .map(({ sid, effect, actions: [not, action], resources: [resourceKey, resourceValue], principal: [principalKey, principalValue], condition: c }) => ({
    ...(sid ? { Sid: sid } : {}),
    Effect: effect,
    [not ? "NotAction" : "Action"]: action,
    ...(resourceKey === "none" ? {} : { [resourceKey]: resourceValue }),
    ...(principalKey === "none" ? {} : { [principalKey]: principalValue }),
    ...(c ? { Condition: c } : {}),
  }));
const denyStatement = statement.map((s) => ({ ...s, Effect: "Deny" as const }));
const statements = fc.array(statement, { minLength: 1, maxLength: 5 });
const document = (list: object[]) => ({ Version: "2012-10-17", Statement: list });

/** Anything parsePolicy may meet: random values, random text, policy-ish objects with random parts, and their encodings. */
const anyInput = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.json(),
  statements.map(document),
  fc.record({ Version: fc.anything(), Statement: fc.oneof(fc.anything(), fc.array(fc.dictionary(fc.constantFrom("Effect", "Action", "NotAction", "Resource", "Principal", "Condition", "Sid"), fc.jsonValue()))) }),
  statements.map((list) => encodeURIComponent(JSON.stringify(document(list), null, 2))),
  statements.map((list) => JSON.stringify(document(list)).slice(0, -3)),
);

function parsedOrUndefined(input: unknown): PolicyDocument | undefined {
  try {
    return parsePolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyParseError);
    return undefined;
  }
}

const SAMPLE_ACTIONS = [...escalationActions(), "s3:GetObject", "s3:DeleteBucket", "sts:AssumeRole", "ec2:DescribeInstances", "organizations:LeaveOrganization"];

function trustVerdict(trust: TrustAnalysis) {
  return { public: trust.public.map((grant) => grant.via).sort(), accounts: trust.accounts, organizations: trust.organizations, unresolved: [...trust.unresolved].sort() };
}

function flipCase(text: string, seed: number): string {
  return text.replace(/[a-z]/gi, (letter, at: number) => ((seed >> at % 16) & 1 ? letter.toUpperCase() : letter.toLowerCase()));
}

function isSubMultiset(small: readonly string[], large: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const item of large) counts.set(item, (counts.get(item) ?? 0) + 1);
  return small.every((item) => {
    const left = counts.get(item) ?? 0;
    counts.set(item, left - 1);
    return left > 0;
  });
}

const wildcardIds = (analysis: PermissionAnalysis) => analysis.wildcards.map((grant) => `${grant.kind}:${grant.pattern.toLowerCase()}:${JSON.stringify(grant.resources)}`);
const notActionIds = (analysis: PermissionAnalysis) => analysis.notActions.map((grant) => `${JSON.stringify(grant.notAction)}:${JSON.stringify(grant.resources)}`);
const escalationIds = (analysis: PermissionAnalysis) => analysis.escalations.map((match) => match.method.id);

describe("Properties: policy analysis", () => {
  it("parsePolicy either returns a policy or throws PolicyParseError, whatever it is given", () => {
    fc.assert(fc.property(anyInput, (input) => void parsedOrUndefined(input)), { numRuns: 500 });
  });

  it("the analysers never throw on a policy parsePolicy accepts, with or without an action index", () => {
    fc.assert(
      fc.property(anyInput, fc.boolean(), (input, withActionIndex) => {
        const policy = parsedOrUndefined(input);
        if (!policy) return;
        const analysis = analysePermissions(policy, withActionIndex ? { actions } : {});
        for (const action of SAMPLE_ACTIONS) analysis.grants(action);
        analyseTrust(policy);
      }),
      { numRuns: 200 },
    );
  });

  it("reordering statements never changes a verdict", () => {
    fc.assert(
      fc.property(statements, fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), fc.boolean(), (list, keys, withActionIndex) => {
        const shuffled = list.map((s, i) => [keys[i] ?? 0, s] as const).sort((a, b) => a[0] - b[0]).map(([, s]) => s);
        const options = withActionIndex ? { actions } : {};
        const before = parsePolicy(document(list));
        const after = parsePolicy(document(shuffled));

        expect(verdicts(analysePermissions(after, options))).toEqual(verdicts(analysePermissions(before, options)));
        expect(trustVerdict(analyseTrust(after))).toEqual(trustVerdict(analyseTrust(before)));
      }),
      { numRuns: 150 },
    );
  });

  it("changing the case of action names never changes a verdict", () => {
    fc.assert(
      fc.property(statements, fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (list, seed, withActionIndex) => {
        const recased = list.map((s) => {
          const copy: Record<string, unknown> = { ...s };
          for (const key of ["Action", "NotAction"]) {
            const value = copy[key];
            if (typeof value === "string") copy[key] = flipCase(value, seed);
            else if (Array.isArray(value)) copy[key] = value.map((item: string, i) => flipCase(item, seed + i));
          }
          return copy;
        });
        const options = withActionIndex ? { actions } : {};
        const before = parsePolicy(document(list));
        const after = parsePolicy(document(recased));

        expect(verdicts(analysePermissions(after, options))).toEqual(verdicts(analysePermissions(before, options)));
        expect(trustVerdict(analyseTrust(after))).toEqual(trustVerdict(analyseTrust(before)));
      }),
      { numRuns: 150 },
    );
  });

  it("adding a Deny never adds a grant", () => {
    fc.assert(
      fc.property(statements, denyStatement, fc.nat(), fc.boolean(), (list, denial, at, withActionIndex) => {
        const options = withActionIndex ? { actions } : {};
        const withDeny = [...list];
        withDeny.splice(at % (list.length + 1), 0, denial);
        const before = analysePermissions(parsePolicy(document(list)), options);
        const after = analysePermissions(parsePolicy(document(withDeny)), options);

        for (const action of SAMPLE_ACTIONS) if (after.grants(action)) expect(before.grants(action), action).toBe(true);
        if (after.fullAdmin) expect(before.fullAdmin).toBeDefined();
        expect(isSubMultiset(wildcardIds(after), wildcardIds(before))).toBe(true);
        expect(isSubMultiset(notActionIds(after), notActionIds(before))).toBe(true);
        expect(isSubMultiset(escalationIds(after), escalationIds(before))).toBe(true);

        const trustBefore = analyseTrust(parsePolicy(document(list)));
        const trustAfter = analyseTrust(parsePolicy(document(withDeny)));
        if (trustAfter.public.length > 0) expect(trustBefore.public.length).toBeGreaterThan(0);
        // A public role already lets every account in; otherwise the accounts may only shrink.
        if (trustBefore.public.length === 0) expect(trustAfter.accounts.every((account) => trustBefore.accounts.includes(account))).toBe(true);
        if (trustBefore.public.length === 0) expect(trustAfter.organizations.every((id) => trustBefore.organizations.includes(id))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

const organizationId = fc.stringMatching(/^o-[a-z0-9]{10,32}$/);
const orgPathTail = fc.constantFrom("", "*", "r-ab12/", "r-ab12/*", "r-ab12/ou-ab12-11111111/", "r-ab12/ou-ab12-11111111/*");
/** Conditions the caller controls or that say how, not who: beside a restricting entry they change nothing of who may come in. */
const nonRestricting = fc.dictionary(
  fc.constantFrom("sts:ExternalId", "aws:SourceIp", "aws:MultiFactorAuthPresent", "aws:PrincipalTag/team"),
  listOrOne(fc.constantFrom("vendor-7731", "203.0.113.0/24", "true", "platform")),
  { maxKeys: 2 },
);

describe("Properties: organizations in trust policies", () => {
  it("a role opened to everyone under an organization condition is never public and lets in exactly the organizations named", () => {
    fc.assert(
      fc.property(
        fc.array(organizationId, { minLength: 1, maxLength: 3 }),
        fc.constantFrom("aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceOrgID", "aws:SourceOrgPaths"),
        fc.constantFrom("StringEquals", "StringLike", "ForAnyValue:StringLike", "StringEqualsIgnoreCase"),
        orgPathTail,
        fc.constantFrom<unknown>("*", { AWS: "*" }),
        nonRestricting,
        (ids, key, operator, tail, principal, extra) => {
          const values = ids.map((id) => (key.endsWith("Paths") ? `${id}/${tail}` : id));
          const condition = { StringEquals: extra, [operator]: { ...(operator === "StringEquals" ? extra : {}), [key]: values } };
          const trust = analyseTrust(parsePolicy(document([{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", Condition: condition }])));

          expect(trust.public).toEqual([]);
          expect(trust.organizations).toEqual([...new Set(ids)].sort());
          expect(trust.accounts).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a negated or absent-tolerant organization condition never names an organization on an Allow", () => {
    fc.assert(
      fc.property(
        organizationId,
        fc.constantFrom("StringNotEquals", "StringEqualsIfExists", "ForAllValues:StringEquals", "StringNotLike"),
        fc.constantFrom("aws:PrincipalOrgID", "aws:SourceOrgID"),
        (id, operator, key) => {
          const trust = analyseTrust(parsePolicy(document([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { [operator]: { [key]: id } } }])));

          expect(trust.organizations).toEqual([]);
          expect(trust.public).toHaveLength(1);
        },
      ),
      { numRuns: 100 },
    );
  });
});
