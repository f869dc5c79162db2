import type { AccountSnapshot } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { authorizationDetails, findingsOf, NOW, role, run, serviceLastAccessed, snapshot, summaries } from "../snapshot.ts";

type Access = NonNullable<AccountSnapshot["serviceLastAccessed"]>;
const admins = (access: Access = serviceLastAccessed(), details = authorizationDetails(), config = {}) =>
  findingsOf("admin-unused", snapshot({ authorizationDetails: details, serviceLastAccessed: access }), { config });

describe("Check: admin-unused", () => {
  it("reports a full administrator that used only a few services in 90 days, with the services and the policy", () => {
    const findings = admins();
    expect(summaries(findings)).toEqual([
      "Role ops-admin holds full administration (arn:aws:iam::aws:policy/AdministratorAccess) and has used only 2 services (cloudwatch, ec2) in 90 days.",
    ]);
    expect(findings[0]).toMatchObject({ principal: role("ops-admin"), severity: "HIGH" });
    expect(findings[0]?.details).toMatchObject({
      adminPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      usedServices: [{ namespace: "cloudwatch", lastAuthenticated: "2026-11-18T09:10:00+00:00" }, { namespace: "ec2" }],
      maxServicesUsed: 5,
    });
  });

  it("knows AdministratorAccess by its ARN when the details leave its document out", () => {
    const details = authorizationDetails();
    details.Policies = details.Policies.filter((policy) => policy.PolicyName !== "AdministratorAccess");
    expect(admins(serviceLastAccessed(), details).map((finding) => finding.principal)).toEqual([role("ops-admin")]);
  });

  it("leaves an administrator that uses many services, and follows maxServicesUsed", () => {
    const busy = serviceLastAccessed();
    busy[1]!.services.push({ ServiceName: "AWS Lambda", ServiceNamespace: "lambda" });
    for (const service of busy[1]!.services) service.LastAuthenticated = new Date(NOW.getTime() - 86_400_000).toISOString();
    expect(admins(busy)).toEqual([]);
    busy[1]!.services.pop();
    expect(admins(busy).map((finding) => finding.summary)).toEqual([expect.stringContaining("has used only 5 services (cloudwatch, ec2, iam, kms, s3)")]);
    expect(admins(serviceLastAccessed(), authorizationDetails(), { rules: { "admin-unused": { maxServicesUsed: 1 } } })).toEqual([]);
  });

  it("does not count a conditional grant of everything as full administration", () => {
    const details = authorizationDetails();
    details.Policies.find((policy) => policy.PolicyName === "AdministratorAccess")!.PolicyVersionList![0]!.Document = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }],
    };
    expect(admins(serviceLastAccessed(), details)).toEqual([]);
  });

  it("judges only the principals read this run", () => {
    const result = run(snapshot({ authorizationDetails: authorizationDetails(), serviceLastAccessed: [] }));
    expect(result.findings.filter((finding) => finding.ruleId === "admin-unused")).toEqual([]);
    expect(result.partial).toContainEqual({ checkId: "admin-unused", principals: [] });
  });
});
