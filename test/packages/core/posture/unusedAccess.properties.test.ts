import type { AccountSnapshot } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACCOUNT, NOW, run, snapshot } from "./snapshot.ts";

const DAY = 86_400_000;
const SERVICES = ["iam", "sts", "organizations", "kms", "s3", "ec2", "lambda", "dynamodb", "sqs", "logs"];
const SENSITIVE = new Set(["iam", "sts", "organizations", "kms"]);
const WINDOW = 90;

/** A role granted some services (each used some days ago, or never), with its Access Advisor answer. */
const advisedRole = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  ageDays: fc.integer({ min: 0, max: 800 }),
  services: fc.uniqueArray(fc.record({ namespace: fc.constantFrom(...SERVICES), lastUsedDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }) }), {
    selector: (service) => service.namespace,
    minLength: 1,
    maxLength: SERVICES.length,
  }),
});

type AdvisedRole = typeof advisedRole extends fc.Arbitrary<infer T> ? T : never;

function accountOf(list: readonly AdvisedRole[]): AccountSnapshot {
  const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
  return snapshot({
    authorizationDetails: {
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: list.map((role) => ({
        RoleName: role.name,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${role.name}`,
        CreateDate: at(role.ageDays),
        RolePolicyList: [
          { PolicyName: "granted", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: role.services.map((service) => `${service.namespace}:Get*`), Resource: "*" }] } },
        ],
      })),
    },
    serviceLastAccessed: list.map((role) => ({
      arn: `arn:aws:iam::${ACCOUNT}:role/${role.name}`,
      jobCompletedAt: NOW.toISOString(),
      services: role.services.map((service) => ({
        ServiceName: service.namespace,
        ServiceNamespace: service.namespace,
        ...(service.lastUsedDaysAgo === undefined ? {} : { LastAuthenticated: at(service.lastUsedDaysAgo) }),
      })),
    })),
  });
}

describe("Properties: unused-services", () => {
  it("lists exactly the services unused for the window, HIGH exactly when a sensitive one is among them, and judges every principal read", () => {
    fc.assert(
      fc.property(fc.uniqueArray(advisedRole, { selector: (role) => role.name, maxLength: 5 }), (roles) => {
        const result = run(accountOf(roles));
        const findings = result.findings.filter((finding) => finding.ruleId === "unused-services");
        for (const role of roles) {
          const arn = `arn:aws:iam::${ACCOUNT}:role/${role.name}`;
          const unused = role.services.filter((service) => service.lastUsedDaysAgo === undefined || service.lastUsedDaysAgo >= WINDOW).map((service) => service.namespace).sort();
          const finding = findings.find((entry) => entry.principal === arn);
          if (role.ageDays < WINDOW || unused.length === 0) {
            expect(finding).toBeUndefined();
            continue;
          }
          const listed = (finding?.details?.unusedServices as { namespace: string }[]).map((service) => service.namespace).sort();
          expect(listed).toEqual(unused);
          expect(finding?.severity).toBe(unused.some((namespace) => SENSITIVE.has(namespace)) ? "HIGH" : "MEDIUM");
        }
        expect(result.partial.find((entry) => entry.checkId === "unused-services")?.principals).toEqual(roles.map((role) => `arn:aws:iam::${ACCOUNT}:role/${role.name}`).sort());
      }),
      { numRuns: 200 },
    );
  });
});
