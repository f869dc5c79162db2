import type { AccountSnapshot } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { authorizationDetails, findingsOf, role, run, serviceLastAccessed, snapshot, summaries, user } from "../snapshot.ts";

type Access = NonNullable<AccountSnapshot["serviceLastAccessed"]>;
const services = (access: Access = serviceLastAccessed(), details = authorizationDetails()) =>
  findingsOf("unused-services", snapshot({ authorizationDetails: details, serviceLastAccessed: access }));

describe("Check: unused-services", () => {
  it("lists the services a principal is allowed and has not used for 90 days, HIGH when IAM is among them, with the evidence", () => {
    const findings = services();
    expect(summaries(findings)).toEqual(["Role deploy is allowed 2 services it has not used for 90 days (including iam): iam, logs."]);
    const [deploy] = findings;
    expect(deploy).toMatchObject({ principal: role("deploy"), severity: "HIGH" });
    expect(deploy?.details).toMatchObject({
      unusedServices: [
        { namespace: "iam", name: "AWS Identity and Access Management", lastAuthenticated: null },
        { namespace: "logs", lastAuthenticated: "2026-03-02T10:00:00+00:00", lastAuthenticatedRegion: "eu-west-1" },
      ],
      usedServices: [{ namespace: "lambda" }, { namespace: "s3" }],
      unusedTrackedActions: { iam: ["iam:GetRole", "iam:PassRole"], lambda: ["lambda:GetFunction"], s3: ["s3:PutObject"] },
      policies: ["arn:aws:iam::111122223333:policy/deploy-policy"],
      accessAdvisorAsOf: "2026-11-22T11:58:00+00:00",
    });
  });

  it("is MEDIUM when no unused service is sensitive, and HIGH for a grant of every action", () => {
    const access = serviceLastAccessed().filter((entry) => entry.arn === role("deploy"));
    access[0]!.services = access[0]!.services.filter((service) => service.ServiceNamespace !== "iam");
    expect(services(access)[0]).toMatchObject({ severity: "MEDIUM", summary: "Role deploy is allowed 1 service it has not used for 90 days: logs." });

    const details = authorizationDetails();
    details.Policies[0]!.PolicyVersionList![0]!.Document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::deploy-artifacts/*" }] };
    expect(services(access, details)[0]?.severity).toBe("HIGH");
    expect(services(access, details)[0]?.summary).toContain("through a grant of every action (arn:aws:iam::111122223333:policy/deploy-policy)");
  });

  it("leaves full administrators to admin-unused, and a principal that used everything alone", () => {
    const principals = services().map((finding) => finding.principal);
    expect(principals).not.toContain(role("ops-admin"));
    expect(principals).not.toContain(user("alice"));
  });

  it("judges only the principals Access Advisor was read for this run", () => {
    const onlyAlice = serviceLastAccessed().filter((entry) => entry.arn === user("alice"));
    const result = run(snapshot({ authorizationDetails: authorizationDetails(), serviceLastAccessed: onlyAlice }));
    expect(result.findings.filter((finding) => finding.ruleId === "unused-services")).toEqual([]);
    expect(result.partial).toContainEqual({ checkId: "unused-services", principals: [user("alice")] });
  });

  it("waits until a principal is older than the window", () => {
    const details = authorizationDetails();
    details.RoleDetailList.find((entry) => entry.RoleName === "deploy")!.CreateDate = "2026-10-01T00:00:00+00:00";
    expect(services(serviceLastAccessed(), details)).toEqual([]);
  });

  it("skips nothing silently: a principal whose policy cannot be read is named", () => {
    const details = authorizationDetails();
    details.RoleDetailList.find((entry) => entry.RoleName === "deploy")!.AttachedManagedPolicies!.push({ PolicyName: "gone", PolicyArn: "arn:aws:iam::111122223333:policy/gone" });
    const result = run(snapshot({ authorizationDetails: details, serviceLastAccessed: serviceLastAccessed() }));
    expect(result.skipped).toContainEqual({
      checkId: "unused-services",
      reason: "arn:aws:iam::111122223333:role/deploy: arn:aws:iam::111122223333:policy/gone: its document is not in the authorization details",
    });
  });
});
