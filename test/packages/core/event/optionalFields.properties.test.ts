import { catalogue, parseEvent } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture, ruleFixtures } from "../../../helpers/fixtures.ts";

/** Every rule fixture's records (positive and negative), plus the record-shape fixtures. */
const records: Record<string, unknown>[] = [
  ...catalogue.flatMap((rule) => {
    const { positive, negative } = ruleFixtures(rule.meta.id);
    return [...positive, ...negative];
  }),
  ...["aws-service-event-secretsmanager", "insight-api-call-rate", "network-activity-vpce-denied", "console-action", "api-call-without-request"].map((name) => `records/${name}.json`),
].flatMap((file) => recordsIn(loadFixture(file)));

/** The records inside a fixture, whatever envelope it uses (log file, EventBridge event, bare record, array). */
function recordsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(recordsIn);
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.Records)) return object.Records as Record<string, unknown>[];
  return [(object.detail ?? object) as Record<string, unknown>];
}

/** Fields CloudTrail leaves out of some records, by path. */
const OPTIONAL = [
  "userIdentity",
  "userIdentity.type",
  "userIdentity.arn",
  "userIdentity.principalId",
  "userIdentity.userName",
  "userIdentity.accountId",
  "userIdentity.invokedBy",
  "userIdentity.sessionContext",
  "requestParameters",
  "responseElements",
  "additionalEventData",
  "errorCode",
  "eventTime",
  "awsRegion",
  "sourceIPAddress",
  "recipientAccountId",
  "eventType",
  "eventCategory",
  "readOnly",
] as const;

function without(record: Record<string, unknown>, paths: readonly string[], asNull: boolean): Record<string, unknown> {
  const copy = structuredClone(record);
  for (const path of paths) {
    const [head, tail] = path.split(".") as [string, string | undefined];
    const parent = tail ? (copy[head] as Record<string, unknown> | undefined) : copy;
    const key = tail ?? head;
    if (!parent || typeof parent !== "object") continue;
    // requestParameters and responseElements are written as null as often as left out.
    if (asNull && (key === "requestParameters" || key === "responseElements")) parent[key] = null;
    else delete parent[key];
  }
  return copy;
}

describe("Properties: records with optional fields left out", () => {
  it("are read, and the engine neither throws nor has a rule fail on them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...records), fc.subarray([...OPTIONAL]), fc.boolean(), async (record, paths, asNull) => {
        const value = without(record, paths, asNull);
        expect(() => parseEvent(value)).not.toThrow();
        // evaluateValue rethrows the first rule failure; a missing field must be a finding, never a failure.
        const findings = await evaluateValue(value);
        // A rule whose resource is the caller has none to name when the record names no caller;
        // otherwise an unknown resource means a field went missing, and the finding says which.
        for (const finding of findings.filter((f) => f.resource === "unknown" && f.principal !== "unknown")) {
          expect(finding.summary).toMatch(/: Vigil could not read .+, so it cannot tell .+\.$/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
