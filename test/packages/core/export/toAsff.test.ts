import { ASFF_LIMITS, type Finding, FINDING_STATUSES, InvalidInputError, postureChecks, toAsff } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { asffProblems } from "../../../helpers/asffFinding.ts";
import { FIXED_NOW } from "../../../helpers/evaluate.ts";
import { everyPostureFinding, ruleFixtureFindings } from "../../../helpers/exportFindings.ts";
import { postureFinding } from "../../../helpers/postureFinding.ts";

describe("Function: toAsff", () => {
  let events: { fixture: string; finding: Finding }[];
  let posture: Finding[];
  beforeAll(async () => {
    events = await ruleFixtureFindings();
    posture = everyPostureFinding();
  });

  it("writes every finding of every rule's positive fixtures as an importable ASFF finding, in every status", () => {
    expect(events.length).toBeGreaterThan(100);
    for (const { fixture, finding } of events) {
      for (const status of FINDING_STATUSES) {
        const asff = toAsff({ ...finding, status }, { region: finding.region });
        expect(asffProblems(JSON.parse(JSON.stringify(asff))), `${fixture} ${finding.ruleId} ${status}`).toEqual([]);
        expect(asff.Id).toBe(finding.id);
        expect(asff.GeneratorId).toBe(finding.ruleId);
      }
    }
  });

  it("writes every posture check's findings as importable ASFF compliance findings: FAILED while open, PASSED once resolved", () => {
    expect(new Set(posture.map((finding) => finding.ruleId))).toEqual(new Set(postureChecks.map((check) => check.meta.id)));
    for (const finding of posture) {
      for (const status of FINDING_STATUSES) {
        const asff = toAsff({ ...finding, status }, { region: "eu-west-1" });
        expect(asffProblems(JSON.parse(JSON.stringify(asff))), `${finding.ruleId} ${status}`).toEqual([]);
        const cis = finding.references.some((reference) => reference.framework === "CIS AWS Foundations Benchmark v3.0.0");
        // The unused-access checks that map to no CIS control map to AWS's IAM best practices.
        expect(asff.Types).toEqual([cis ? "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark" : "Software and Configuration Checks/AWS Security Best Practices"]);
        expect(asff.Compliance?.Status).toBe(status === "resolved" ? "PASSED" : "FAILED");
        expect((asff.Compliance?.RelatedRequirements ?? []).length > 0).toBe(cis);
        expect((asff.Compliance?.RelatedRequirements ?? []).every((requirement) => /^CIS AWS Foundations Benchmark v3\.0\.0\/\d+\.\d+$/.test(requirement))).toBe(true);
      }
    }
  });

  it.each([
    ["open", "NEW", "ACTIVE"],
    ["acknowledged", "NOTIFIED", "ACTIVE"],
    ["suppressed", "SUPPRESSED", "ACTIVE"],
    ["resolved", "RESOLVED", "ARCHIVED"],
  ] as const)("maps a %s finding to workflow %s, record %s", (status, workflow, record) => {
    const asff = toAsff(postureFinding("user-console-without-mfa", "bob", {}, { status }), { region: "us-east-1" });
    expect(asff.Workflow.Status).toBe(workflow);
    expect(asff.RecordState).toBe(record);
  });

  it("makes a reopened finding NEW and ACTIVE again, and takes the time of its latest change as UpdatedAt", () => {
    const finding = postureFinding("user-console-without-mfa", "bob", {}, { status: "open" });
    const asff = toAsff(finding, { region: "us-east-1", updatedAt: "2026-11-21T10:00:00Z" });
    expect(asff).toMatchObject({ Workflow: { Status: "NEW" }, RecordState: "ACTIVE", UpdatedAt: "2026-11-21T10:00:00.000Z" });
    expect(toAsff(finding, { region: "us-east-1" }).UpdatedAt).toBe(finding.lastSeenAt);
  });

  it("names the finding's account as AwsAccountId and its default product (the only one it may import to), in the given region and its partition", () => {
    const finding = postureFinding("user-console-without-mfa", "bob", { account: "444455556666" });
    expect(toAsff(finding, { region: "eu-central-1" })).toMatchObject({
      AwsAccountId: "444455556666",
      ProductArn: "arn:aws:securityhub:eu-central-1:444455556666:product/444455556666/default",
    });
    expect(toAsff(finding, { region: "cn-north-1" }).ProductArn).toBe("arn:aws-cn:securityhub:cn-north-1:444455556666:product/444455556666/default");
  });

  it("types event findings by their techniques' ATT&CK tactics, and one without a technique by the CIS control it undid", () => {
    const typesOf = (ruleId: string) => toAsff(events.find(({ finding }) => finding.ruleId === ruleId)?.finding as Finding, { region: "us-east-1" }).Types;
    expect(typesOf("cloudtrail-tampering")).toEqual(["TTPs/Defense Evasion"]);
    expect(typesOf("iam-enumeration")).toEqual(["TTPs/Discovery"]);
    expect(typesOf("iam-user-created")).toEqual(["TTPs/Persistence"]);
    expect(typesOf("root-console-login")).toEqual(["TTPs/Initial Access", "TTPs/Persistence", "TTPs/Privilege Escalation", "TTPs/Defense Evasion"]);
    expect(typesOf("password-policy-weakened")).toEqual(["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"]);
  });

  it("gives each resource its ASFF type from its ARN, and Other to what has none", () => {
    const resourceOf = (resource: string) => toAsff(postureFinding("c", "bob", {}, { resource }), { region: "us-east-1" }).Resources[0];
    expect(resourceOf("arn:aws:iam::111122223333:user/eng/frank")).toEqual({ Type: "AwsIamUser", Id: "arn:aws:iam::111122223333:user/eng/frank", Partition: "aws", Region: "us-east-1" });
    expect(resourceOf("arn:aws:iam::111122223333:role/app")?.Type).toBe("AwsIamRole");
    expect(resourceOf("arn:aws:iam::111122223333:policy/data/read")?.Type).toBe("AwsIamPolicy");
    expect(resourceOf("arn:aws:iam::111122223333:group/admins")?.Type).toBe("AwsIamGroup");
    expect(resourceOf("arn:aws:iam::111122223333:root")?.Type).toBe("AwsAccount");
    expect(resourceOf("AKIAIOSFODNN7EXAMPLE")?.Type).toBe("AwsIamAccessKey");
    expect(resourceOf("arn:aws:cloudtrail:eu-west-1:111122223333:trail/main")).toMatchObject({ Type: "Other", Region: "eu-west-1" });
    expect(resourceOf("d-93670c4e12")?.Type).toBe("Other");
  });

  it("cuts long texts to ASFF's limits at a word, and keeps whole event ids within a product field", () => {
    const long = `${"word ".repeat(400)}end`;
    const eventIds = Array.from({ length: 200 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
    const finding = postureFinding("c", "bob", {}, { title: long, summary: long, remediation: long, eventIds, eventId: eventIds[199], eventName: "GetUser" });
    const asff = toAsff(finding, { region: "us-east-1" });
    expect(asffProblems(asff)).toEqual([]);
    expect(asff.Title.length).toBeLessThanOrEqual(ASFF_LIMITS.title);
    expect(asff.Title).toMatch(/word…$/);
    expect(asff.Description.length).toBeLessThanOrEqual(ASFF_LIMITS.description);
    expect(asff.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(ASFF_LIMITS.recommendationText);
    const kept = asff.ProductFields["vigil/eventIds"]?.split(",") ?? [];
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.every((id) => eventIds.includes(id))).toBe(true);
    expect(asff.ProductFields["vigil/eventCount"]).toBe("200");
  });

  it("links the event in CloudTrail, or a posture finding's user in the IAM console, and the technique's ATT&CK page", () => {
    const event = events.find(({ finding }) => finding.ruleId === "iam-user-created")?.finding as Finding;
    const asff = toAsff(event, { region: "us-east-1" });
    expect(asff.SourceUrl).toContain(`/cloudtrailv2/home?region=${event.region}#/events/`);
    expect(asff.Remediation.Recommendation.Url).toBe("https://attack.mitre.org/techniques/T1136/003/");
    expect(toAsff(postureFinding("c", "bob"), { region: "us-east-1" }).SourceUrl).toBe("https://console.aws.amazon.com/iam/home#/users/details/bob");
  });

  it("refuses a region that is not one and an account that is not 12 digits, rather than write a finding Security Hub rejects", () => {
    const finding = postureFinding("c", "bob");
    expect(() => toAsff(finding, { region: "evil.example" })).toThrow(InvalidInputError);
    expect(() => toAsff({ ...finding, account: "unknown" }, { region: "us-east-1" })).toThrow(InvalidInputError);
  });

  it("is checked by a validator that catches what Security Hub refuses", () => {
    const good = toAsff(postureFinding("c", "bob"), { region: "us-east-1" });
    const bad = (change: Record<string, unknown>) => asffProblems({ ...JSON.parse(JSON.stringify(good)), ...change });
    expect(bad({ Title: "x".repeat(257) })).toEqual(["Title: length 257 outside 1..256"]);
    expect(bad({ Types: ["Vigil/Things"] })).toEqual(['Types[0]: not namespace[/category[/classifier]]: "Vigil/Things"']);
    expect(bad({ Severity: { Label: "INFO" } })).toEqual(['Severity.Label: "INFO" is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL']);
    expect(bad({ UpdatedAt: undefined })).toEqual(["UpdatedAt: required"]);
    expect(bad({ ProductFields: Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, "v"])) })).toEqual(["ProductFields: 51 pairs, at most 50"]);
  });
});
