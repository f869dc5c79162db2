import { toOcsf } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { OCSF_SCHEMA_DIR, OCSF_SCHEMA_MISSING, OcsfSchema } from "../../../helpers/ocsfSchema.ts";
import { postureFinding } from "../../../helpers/postureFinding.ts";

// The validator the export tests trust must itself be shown to refuse what OCSF refuses.
describe.skipIf(OCSF_SCHEMA_MISSING !== undefined)(`Helper: OcsfSchema${OCSF_SCHEMA_MISSING ? ` (skipped: ${OCSF_SCHEMA_MISSING})` : ""}`, () => {
  let schema: OcsfSchema;
  let good: Record<string, any>;
  beforeAll(() => {
    schema = new OcsfSchema(OCSF_SCHEMA_DIR);
    good = JSON.parse(JSON.stringify(toOcsf(postureFinding("user-console-without-mfa", "bob"), { version: "0.1.0" })));
  });
  const problems = (change: (record: Record<string, any>) => void, classUid = 2003) => {
    const record = structuredClone(good);
    change(record);
    return schema.validate(record, classUid);
  };

  it("compiles the classes' uids from their categories and accepts a valid record", () => {
    expect(schema.className(2003)).toBe("compliance_finding");
    expect(schema.className(2004)).toBe("detection_finding");
    expect(schema.validate(good, 2003)).toEqual([]);
  });

  it("reports a missing required attribute, at the top and inside an object", () => {
    expect(problems((record) => delete record.time)).toEqual(["$.time: required"]);
    expect(problems((record) => delete record.finding_info.uid)).toEqual(["$.finding_info.uid: required"]);
    expect(problems((record) => delete record.compliance)).toEqual(["$.compliance: required"]);
  });

  it("reports a value of the wrong type, checking derived types by their base type", () => {
    expect(problems((record) => (record.time = "2026-11-20T09:00:00Z"))).toEqual(['$.time: expected timestamp_t (long_t), got "2026-11-20T09:00:00Z"']);
    expect(problems((record) => (record.finding_info.src_url = 42))).toEqual(["$.finding_info.src_url: expected url_t (string_t), got 42"]);
    expect(problems((record) => (record.severity_id = 2.5))).toEqual(["$.severity_id: expected integer_t (integer_t), got 2.5"]);
  });

  it("reports a value outside its enum, a caption that contradicts its id, and a class or type uid of another class", () => {
    expect(problems((record) => (record.status_id = 7))).toEqual(["$.status_id: 7 is not one of 0, 1, 2, 3, 4, 5, 6, 99"]);
    expect(problems((record) => (record.severity = "Low"))).toEqual(['$.severity: expected "Medium" beside 3, got "Low"']);
    expect(problems((record) => (record.compliance.status_id = 4))).toEqual(["$.compliance.status_id: 4 is not one of 0, 1, 2, 3, 99"]);
    expect(problems(() => undefined, 2004)).toContain("$.class_uid: 2003 is not one of 2004");
    expect(problems((record) => (record.type_uid = 200401))).toEqual(["$.type_uid: 200401 is not one of 200300, 200301, 200302, 200303, 200399"]);
  });

  it("reports an attribute the class, its objects or its applied profiles do not have", () => {
    expect(problems((record) => (record.vigil = true))).toEqual(["$.vigil: not an attribute of compliance_finding"]);
    expect(problems((record) => (record.cloud.account.owner = "me"))).toEqual(["$.cloud.account.owner: not an attribute of account"]);
    // The cloud profile brings `cloud` to the class and region and cloud_partition to resource_details.
    expect(problems((record) => (record.metadata.profiles = []))).toEqual([
      "$.resources[0].region: belongs to the cloud profile, which metadata.profiles does not apply",
      "$.resources[0].cloud_partition: belongs to the cloud profile, which metadata.profiles does not apply",
      "$.cloud: belongs to the cloud profile, which metadata.profiles does not apply",
    ]);
  });

  it("reports a single value where an array belongs, and checks each element", () => {
    expect(problems((record) => (record.resources = record.resources[0]))).toEqual(["$.resources: expected an array"]);
    expect(problems((record) => (record.resources[0].region = ["us-east-1"]))).toEqual(['$.resources[0].region: expected string_t (string_t), got ["us-east-1"]']);
  });

  it("reports an object missing all of the attributes its constraint needs one of", () => {
    expect(problems((record) => (record.evidences = [{ name: "x" }]))).toEqual([
      "$.evidences[0]: needs at least one of actor, api, connection_info, data, database, databucket, device, dst_endpoint, email, file, process, query, resources, src_endpoint, url, user, job, script",
    ]);
  });
});
