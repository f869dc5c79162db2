import {
  ActionUsage,
  actionMatches,
  arnFitsTemplate,
  grantedActions,
  type HeldPolicy,
  parsePolicy,
  proposePolicy,
  type RecordedCall,
  wildcardMatch,
} from "@vigil/core";
import { loadActionResources } from "@vigil/iam-actions";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

const resources = loadActionResources();
const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const context = { partition: "aws", region: REGION, account: ACCOUNT };

function usageOf(calls: readonly RecordedCall[]) {
  const usage = new ActionUsage(actions, resources);
  for (const call of calls) usage.add(call);
  return usage.summary().success;
}

const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown> | null, extra: Partial<RecordedCall> = {}): RecordedCall => ({
  eventSource,
  eventName,
  eventTime: "2026-11-20T10:00:00Z",
  requestParameters,
  context,
  ...extra,
});

describe("proposePolicy", () => {
  it("groups actions with the same resources per service, narrows to the ARNs seen, and gives * only to actions that take no resource", () => {
    const { policy, choices } = proposePolicy(
      usageOf([
        call("iam.amazonaws.com", "GetRole", { roleName: "a" }),
        call("iam.amazonaws.com", "ListRolePolicies", { roleName: "a" }),
        call("iam.amazonaws.com", "ListRoles", {}),
        call("sts.amazonaws.com", "GetCallerIdentity", null),
      ]),
      resources,
    );
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Iam1", Effect: "Allow", Action: ["iam:GetRole", "iam:ListRolePolicies"], Resource: [`arn:aws:iam::${ACCOUNT}:role/a`] },
        { Sid: "Iam2", Effect: "Allow", Action: ["iam:ListRoles"], Resource: ["*"] },
        { Sid: "Sts1", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: ["*"] },
      ],
    });
    expect(choices.map((choice) => choice.kind)).toEqual(["seen", "seen", "any", "any"]);
  });

  it("narrows an action whose calls named no resource to its resource types in the account and region seen, and says why", () => {
    const { policy, choices } = proposePolicy(usageOf([call("lambda.amazonaws.com", "GetFunction20150331v2", {})]), resources);
    expect(policy.Statement[0]?.Resource).toContain(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`);
    expect(policy.Statement[0]?.Resource.every((arn) => arn.includes(ACCOUNT))).toBe(true);
    expect(choices).toEqual([{ action: "lambda:GetFunction", kind: "scoped", reason: "no resource seen" }]);
  });

  it("keeps naming a resource of another account when some calls named none", () => {
    const { policy } = proposePolicy(
      usageOf([call("lambda.amazonaws.com", "GetFunction20150331v2", { functionName: "arn:aws:lambda:eu-west-1:444455556666:function:shared" }), call("lambda.amazonaws.com", "GetFunction20150331v2", {})]),
      resources,
    );
    expect(policy.Statement[0]?.Resource).toContain(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`);
    expect(policy.Statement[0]?.Resource).toContain("arn:aws:lambda:eu-west-1:444455556666:function:shared");
  });

  it("falls back to the account-wide pattern when more resources were used than kept", () => {
    const calls = Array.from({ length: 150 }, (_, i) => call("s3.amazonaws.com", "GetObject", { bucketName: "b", key: `k${i}` }));
    const { policy, choices } = proposePolicy(usageOf(calls), resources);
    expect(policy.Statement[0]?.Resource).toContain("arn:aws:s3:::*/*");
    expect(choices[0]?.reason).toBe("more resources than kept");
  });

  it("is a policy Vigil's own parser reads, the same however the calls were ordered", () => {
    const calls = [call("iam.amazonaws.com", "GetRole", { roleName: "b" }), call("iam.amazonaws.com", "GetRole", { roleName: "a" }), call("s3.amazonaws.com", "ListBuckets", {})];
    const forward = proposePolicy(usageOf(calls), resources).policy;
    expect(proposePolicy(usageOf([...calls].reverse()), resources).policy).toEqual(forward);
    expect(parsePolicy(JSON.stringify(forward)).statements.map((statement) => statement.sid)).toEqual(["Iam1", "S31"]);
  });
});

/**
 * For random granted sets (wildcards, NotAction) and random successful calls inside them, the
 * proposal allows every call made, as a small evaluator of its own reads the proposal, and allows
 * no action outside the granted set.
 */
describe("proposePolicy: properties", () => {
  const SERVICES = ["iam", "s3", "lambda", "sqs", "dynamodb", "ssm", "sts", "logs", "kms", "sns"] as const;
  const pattern = fc.oneof(
    fc.constantFrom(...SERVICES).map((service) => `${service}:*`),
    fc.constantFrom("iam:Get*", "iam:List*", "s3:Get*", "s3:ListAllMyBuckets", "lambda:*Function*", "sqs:*Queue*", "dynamodb:Describe*", "ssm:GetParameter*", "kms:Decrypt", "logs:Describe*", "sns:Get*"),
  );
  const statement = fc.oneof(
    { weight: 4, arbitrary: fc.record({ Effect: fc.constant("Allow"), Action: fc.array(pattern, { minLength: 1, maxLength: 4 }), Resource: fc.constant("*") }) },
    { weight: 1, arbitrary: fc.record({ Effect: fc.constant("Allow"), NotAction: fc.array(pattern, { minLength: 1, maxLength: 3 }), Resource: fc.constant("*") }) },
  );
  const name = fc.stringMatching(/^[a-z0-9]{1,8}$/);

  /** A concrete ARN of one of the action's resource types, in the calls' account and region. */
  const arnFor = (template: string, names: readonly string[]) => {
    let next = 0;
    return template.replace(/\$\{([^}]+)\}/g, (_, field: string) => {
      if (field === "Partition") return "aws";
      if (field === "Region") return REGION;
      if (field === "Account") return ACCOUNT;
      return names[next++ % names.length] as string;
    });
  };

  /** The independent evaluator: some statement names the action (wildcards as IAM reads them) and the resource. */
  const allows = (policy: { Statement: { Action: string[]; Resource: string[] }[] }, action: string, arn: string | undefined) =>
    policy.Statement.some(
      (statement) =>
        statement.Action.some((pattern) => actionMatches(pattern, action)) &&
        (arn === undefined || statement.Resource.some((pattern) => wildcardMatch(pattern, arn))),
    );

  it("allows every successful call made, and nothing outside the granted set", () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ pick: fc.nat(), template: fc.nat(), names: fc.array(name, { minLength: 1, maxLength: 3 }), withResource: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        (statements, picks) => {
          const held: HeldPolicy[] = [{ id: "inline:p", name: "p", kind: "inline", document: { Version: "2012-10-17", Statement: statements } }];
          const granted = grantedActions(held, actions, resources).actions.filter((action) => (SERVICES as readonly string[]).includes(action.split(":")[0] as string));
          fc.pre(granted.length > 0);
          const made = picks.map(({ pick, template, names, withResource }) => {
            const action = granted[pick % granted.length] as string;
            const [service, name] = action.split(":") as [string, string];
            const templates = resources.arnTemplates(service, name) ?? [];
            const arn = withResource && templates.length > 0 ? arnFor(templates[template % templates.length] as string, names) : undefined;
            // As CloudTrail records the call: the resource in `resources`, the operation named as the action.
            return { action, arn, call: call(`${service}.amazonaws.com`, name, {}, arn ? { resources: [{ ARN: arn }] } : {}) };
          });
          const { policy } = proposePolicy(usageOf(made.map((entry) => entry.call)), resources);

          for (const { action, arn } of made) expect(allows(policy, action, arn), `${action} on ${arn}`).toBe(true);
          const grantedLower = new Set(granted.map((action) => action.toLowerCase()));
          for (const action of policy.Statement.flatMap((entry) => entry.Action)) expect(grantedLower.has(action.toLowerCase()), action).toBe(true);
          // Only what CloudTrail's resources fit is kept as seen.
          for (const entry of policy.Statement) {
            for (const action of entry.Action) {
              const [service, name] = action.split(":") as [string, string];
              const templates = resources.arnTemplates(service, name) ?? [];
              if (templates.length === 0) expect(entry.Resource).toEqual(["*"]);
              else expect(entry.Resource.every((arn) => templates.some((template) => arnFitsTemplate(arn, template)))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
