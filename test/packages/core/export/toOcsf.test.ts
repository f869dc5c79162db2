import { type Finding, FINDING_STATUSES, postureChecks, toOcsf } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { everyPostureFinding, ruleFixtureFindings } from "../../../helpers/exportFindings.ts";
import { postureFinding } from "../../../helpers/postureFinding.ts";
import { OCSF_SCHEMA_DIR, OCSF_SCHEMA_MISSING, OcsfSchema } from "../../../helpers/ocsfSchema.ts";

const VERSION = "0.1.0";

describe.skipIf(OCSF_SCHEMA_MISSING !== undefined)(`Function: toOcsf${OCSF_SCHEMA_MISSING ? ` (skipped: ${OCSF_SCHEMA_MISSING})` : ""}`, () => {
  let schema: OcsfSchema;
  let events: { fixture: string; finding: Finding }[];
  let posture: Finding[];
  beforeAll(async () => {
    schema = new OcsfSchema(OCSF_SCHEMA_DIR);
    events = await ruleFixtureFindings();
    posture = everyPostureFinding();
  });

  it("writes every finding of every rule's positive fixtures as a valid Detection Finding (2004), in every status", () => {
    expect(events.length).toBeGreaterThan(100);
    for (const { fixture, finding } of events) {
      for (const status of FINDING_STATUSES) {
        const record = toOcsf({ ...finding, status }, { version: VERSION });
        expect(record.class_uid, fixture).toBe(2004);
        expect(schema.validate(JSON.parse(JSON.stringify(record)), 2004), `${fixture} ${finding.ruleId} ${status}`).toEqual([]);
      }
    }
  });

  it("writes every posture check's findings as a valid Compliance Finding (2003), in every status", () => {
    expect(new Set(posture.map((finding) => finding.ruleId))).toEqual(new Set(postureChecks.map((check) => check.meta.id)));
    for (const finding of posture) {
      for (const status of FINDING_STATUSES) {
        const record = toOcsf({ ...finding, status }, { version: VERSION });
        expect(record.class_uid).toBe(2003);
        expect(schema.validate(JSON.parse(JSON.stringify(record)), 2003), `${finding.ruleId} ${status}`).toEqual([]);
      }
    }
  });

  it.each([
    ["open", 1, "New", 1, "Create"],
    ["acknowledged", 2, "In Progress", 2, "Update"],
    ["suppressed", 3, "Suppressed", 2, "Update"],
    ["resolved", 4, "Resolved", 3, "Close"],
  ] as const)("maps a %s finding to status %i %s and activity %i %s", (status, statusId, statusName, activityId, activityName) => {
    const record = toOcsf(postureFinding("user-console-without-mfa", "bob", {}, { status }), { version: VERSION });
    expect(record).toMatchObject({ status_id: statusId, status: statusName, activity_id: activityId, activity_name: activityName, type_uid: 200300 + activityId });
    expect(record.compliance).toMatchObject(status === "resolved" ? { status_id: 1, status: "Pass" } : { status_id: 3, status: "Fail" });
  });

  it("names the techniques under their ATT&CK tactics, the events behind the finding and the rule as its analytic", () => {
    const finding = events.find(({ finding }) => finding.ruleId === "iam-enumeration" && (finding.eventIds?.length ?? 0) > 1)?.finding as Finding;
    const record = toOcsf(finding, { version: VERSION, updatedAt: "2026-11-23T08:00:00Z" });
    expect(record.finding_info.analytic).toEqual({ uid: "iam-enumeration", name: finding.title, type_id: 1, type: "Rule" });
    expect(record.finding_info.related_events?.map((event) => event.uid)).toEqual(finding.eventIds);
    expect(record.finding_info.attacks?.[0]).toEqual({
      technique: { uid: "T1087", name: "Account Discovery", src_url: "https://attack.mitre.org/techniques/T1087/" },
      sub_technique: { uid: "T1087.004", name: "Cloud Account", src_url: "https://attack.mitre.org/techniques/T1087/004/" },
      tactic: { uid: "TA0007", name: "Discovery" },
      tactics: [{ uid: "TA0007", name: "Discovery" }],
    });
    expect(record.time).toBe(Date.parse("2026-11-23T08:00:00Z"));
    expect(record.metadata).toEqual({ product: { name: "Vigil", vendor_name: "Vigil", version: VERSION }, version: "1.6.0", uid: finding.id, profiles: ["cloud"] });
  });

  it("names the account (with its organization name when known), the principal as the actor, and the resource by ARN", () => {
    const finding = postureFinding("user-console-without-mfa", "bob", { account: "444455556666" }, { accountName: "payments-prod" });
    const record = toOcsf(finding, { version: VERSION });
    expect(record.cloud).toEqual({ provider: "AWS", account: { uid: "444455556666", type_id: 10, type: "AWS Account", name: "payments-prod" }, region: "us-east-1", cloud_partition: "aws" });
    expect(record.evidences).toEqual([{ actor: { user: { uid: "arn:aws:iam::444455556666:user/bob", name: "bob" } } }]);
    expect(record.resources).toEqual([{ uid: "arn:aws:iam::444455556666:user/bob", type: "AWS::IAM::User", region: "us-east-1", cloud_partition: "aws", name: "bob" }]);
    expect(schema.validate(JSON.parse(JSON.stringify(record)), 2003)).toEqual([]);
  });
});
