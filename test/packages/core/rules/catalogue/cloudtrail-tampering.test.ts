import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/cloudtrail-tampering";
const RULE = "cloudtrail-tampering";
const TRAIL = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/management-events";
type TrailRecord = Record<string, unknown>;

/** A PutEventSelectors call by pedro that sets these request parameters. */
function putEventSelectors(requestParameters: Record<string, unknown>): TrailRecord {
  const record = loadFixture<{ detail: TrailRecord }>(`${DIR}/positive-event-selectors-no-management-eventbridge.json`).detail;
  return { ...record, requestParameters: { trailName: "management-events", ...requestParameters }, responseElements: null };
}

const findingsFor = async (record: object) => (await evaluateValue(record)).filter((f) => f.ruleId === RULE);
const management = (...fieldSelectors: object[]) => ({ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }, ...fieldSelectors] });

describe("Rule: cloudtrail-tampering", () => {
  it("reports logging stopped as CRITICAL on the trail", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-stop-logging.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      resource: TRAIL,
      sourceIPAddress: "203.0.113.140",
      summary: "arn:aws:iam::111122223333:user/pedro stopped logging on the trail management-events.",
    });
    expect(findings[0]?.references.map((r) => r.id)).toEqual(expect.arrayContaining(["4.5", "T1562.008"]));
  });

  it("reports a trail deleted by name as CRITICAL, building its ARN from region and account", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-delete-trail-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      resource: TRAIL,
      summary: "arn:aws:sts::111122223333:assumed-role/TerraformDeploy/terraform-run-9120 deleted the trail management-events.",
    });
  });

  it("reports an update that drops other regions and global services as HIGH, saying both", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-update-trail-single-region.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: TRAIL });
    expect(finding?.summary).toMatch(
      /updated the trail management-events: it now logs its home region only; it no longer logs global services such as IAM and STS\.$/,
    );
  });

  it("reports log file validation turned off as MEDIUM", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-log-validation-off.json`);

    expect(finding).toMatchObject({ severity: "MEDIUM", details: { reductions: [expect.stringContaining("log file validation is off")] } });
  });

  it.each([
    ["positive-event-selectors-no-management-eventbridge.json", "it no longer logs management events"],
    ["positive-advanced-selectors-reads-only.json", "it no longer logs write management events"],
  ])("reports event selectors in %s as HIGH", async (file, reduction) => {
    const [finding] = await findingsOf(RULE, `${DIR}/${file}`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: TRAIL });
    expect(finding?.summary).toContain(`changed the event selectors of the trail management-events: ${reduction}.`);
  });

  it.each([
    ["basic write-only selector", { eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }] }, "MEDIUM", "it no longer logs read-only management events"],
    [
      "basic selector excluding KMS",
      { eventSelectors: [{ readWriteType: "All", includeManagementEvents: true, excludeManagementEventSources: ["kms.amazonaws.com"] }] },
      "MEDIUM",
      "it no longer logs all management events from kms.amazonaws.com",
    ],
    [
      "advanced selector excluding KMS",
      { advancedEventSelectors: [management({ field: "eventSource", notEquals: ["kms.amazonaws.com"] })] },
      "MEDIUM",
      "it no longer logs all management events from kms.amazonaws.com",
    ],
    [
      "KMS exclusion that only a write-only selector does not make",
      { eventSelectors: [{ readWriteType: "All", excludeManagementEventSources: ["kms.amazonaws.com"] }, { readWriteType: "WriteOnly" }] },
      "MEDIUM",
      "it no longer logs all management events from kms.amazonaws.com",
    ],
    ["advanced selector for writes only", { advancedEventSelectors: [management({ field: "readOnly", notEquals: ["true"] })] }, "MEDIUM", "it no longer logs read-only management events"],
    [
      "advanced data-event selector alone",
      { advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }] }] },
      "HIGH",
      "it no longer logs management events",
    ],
    ["empty selector list", { eventSelectors: [] }, "HIGH", "it no longer logs management events"],
    ["basic selector whose flag is the string \"false\"", { eventSelectors: [{ includeManagementEvents: "false" }] }, "HIGH", "it no longer logs management events"],
  ])("judges a %s", async (_name, selectors, severity, reduction) => {
    const findings = await findingsFor(putEventSelectors(selectors));

    expect(findings.map((f) => [f.severity, f.details?.reductions])).toEqual([[severity, [reduction]]]);
  });

  it.each([
    ["a data-only selector beside one that logs all management events", {
      eventSelectors: [
        { readWriteType: "All", includeManagementEvents: false, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::acme-payroll/"] }] },
        { readWriteType: "All", includeManagementEvents: true },
      ],
    }],
    ["read and write selectors that together log everything", {
      advancedEventSelectors: [management({ field: "readOnly", equals: ["true"] }), management({ field: "readOnly", equals: ["false"] })],
    }],
    ["a KMS exclusion that another selector does not make", {
      eventSelectors: [
        { readWriteType: "All", excludeManagementEventSources: ["kms.amazonaws.com"] },
        { readWriteType: "All", excludeManagementEventSources: [] },
      ],
    }],
    ["selectors of odd types", { advancedEventSelectors: [null, "x", { fieldSelectors: "eventCategory" }, management()] }],
    ["selectors that are not a list", { eventSelectors: "All" }],
  ])("stays quiet on %s", async (_name, selectors) => {
    expect(await findingsFor(putEventSelectors(selectors))).toEqual([]);
  });

  it.each([
    "negative-update-trail-keeps-coverage.json",
    "negative-stop-logging-denied.json",
    "negative-event-selectors-add-data-events-eventbridge.json",
    "negative-advanced-selectors-full.json",
  ])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-stop-logging.json`, { config })).toEqual([]);
  });
});
