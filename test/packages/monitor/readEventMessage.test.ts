import { InvalidMessageError, readEventMessage } from "@vigil/monitor";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudTrailRecord, cloudTrailRecords, eventBridgeEvent } from "../../functions/lambdaEvents.ts";

const RECORD = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const [SIGN_IN] = cloudTrailRecords("rules/console-login-failures/positive-one-user-many-ips.json");

function thrown(body: string): InvalidMessageError {
  try {
    readEventMessage(body);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error("expected an InvalidMessageError");
}

describe("Function: readEventMessage", () => {
  it("reads an AWS service event, whose identity carries no type, instead of sending it to the dead-letter queue", () => {
    const record = cloudTrailRecord("records/aws-service-event-secretsmanager.json");

    const event = readEventMessage(JSON.stringify(eventBridgeEvent(record)));

    expect(event).toMatchObject({ eventName: "StartSecretVersionDelete", userIdentity: { invokedBy: "secretsmanager.amazonaws.com" } });
  });

  it("returns the CloudTrail record of an EventBridge event", () => {
    // Prepare
    const body = JSON.stringify(eventBridgeEvent(RECORD));

    // Act
    const event = readEventMessage(body);

    // Assess
    expect(event).toMatchObject({ eventID: RECORD.eventID, eventName: "CreateUser", eventSource: "iam.amazonaws.com" });
  });

  it("reads a console sign-in, which EventBridge delivers under its own detail-type", () => {
    const message = eventBridgeEvent(SIGN_IN!);

    const event = readEventMessage(JSON.stringify(message));

    expect(message["detail-type"]).toBe("AWS Console Sign In via CloudTrail");
    expect(event).toMatchObject({ eventID: SIGN_IN!.eventID, eventName: "ConsoleLogin" });
  });

  it.each([
    ["a body that is not JSON", "{\"version\":\"0\",", "body", /^body: not JSON \(/],
    ["JSON that is not an object", "[1,2]", "body", /^body: expected an EventBridge event/],
    ["a bare CloudTrail record", JSON.stringify(RECORD), "body", /^body: expected an EventBridge event with detail-type and detail$/],
    ["an EventBridge event without detail", JSON.stringify({ ...eventBridgeEvent(RECORD), detail: undefined }), "body", /^body: expected an EventBridge event with detail-type and detail$/],
    [
      "an EventBridge event that is not from CloudTrail",
      JSON.stringify({ ...eventBridgeEvent(RECORD), "detail-type": "Scheduled Event", source: "aws.events", detail: {} }),
      "$",
      /^\$: detail-type: not a CloudTrail event \("Scheduled Event"\)$/,
    ],
  ])("refuses %s, naming where", (_case, body, at, message) => {
    const error = thrown(body);

    expect(error.at).toBe(at);
    expect(error.message).toMatch(message);
  });

  it.each([
    ["eventID", (record: Record<string, unknown>) => delete record.eventID, "$.detail: eventID: required field is missing"],
    ["eventSource", (record: Record<string, unknown>) => (record.eventSource = 42), /^\$\.detail: eventSource: /],
    ["userIdentity.type", (record: Record<string, unknown>) => ((record.userIdentity as Record<string, unknown>).type = ["IAMUser"]), /^\$\.detail: userIdentity\.type: /],
  ])("names the record field %s when it is missing or malformed", (_field, spoil, message) => {
    // Prepare
    const record = structuredClone(RECORD) as Record<string, unknown>;
    spoil(record);

    // Act
    const error = thrown(JSON.stringify({ ...eventBridgeEvent(RECORD), detail: record }));

    // Assess
    expect(error.at).toBe("$.detail");
    expect(error.message).toMatch(message);
  });

  it("throws nothing but InvalidMessageError for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (body) => {
        try {
          readEventMessage(body);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidMessageError);
        }
      }),
    );
  });

  it("throws nothing but InvalidMessageError for any JSON, in or out of an EventBridge envelope", () => {
    const detailTypes = fc.constantFrom("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "Scheduled Event", "");
    const bodies = fc.oneof(
      fc.json(),
      fc.record({ "detail-type": fc.oneof(detailTypes, fc.jsonValue()), detail: fc.jsonValue() }, { requiredKeys: ["detail-type"] }).map((value) => JSON.stringify(value)),
      // A real record with one field replaced by anything.
      fc.tuple(fc.constantFrom(...Object.keys(RECORD)), fc.jsonValue()).map(([field, value]) => JSON.stringify({ ...eventBridgeEvent(RECORD), detail: { ...RECORD, [field]: value } })),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        try {
          const event = readEventMessage(body);
          expect(event.eventID).toEqual(expect.any(String));
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidMessageError);
          expect((error as InvalidMessageError).at).not.toBe("");
        }
      }),
    );
  });
});
