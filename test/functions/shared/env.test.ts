import { describe, expect, it } from "vitest";
import * as z from "zod";
import { arn, json, readEnv, tableName } from "../../../functions/shared/env.ts";

describe("Function: readEnv", () => {
  const shape = {
    FINDINGS_TABLE_NAME: tableName,
    TOPIC_ARN: arn,
    VIGIL_CONFIG: json.default({}),
    RETENTION_DAYS: z.coerce.number().positive().default(90),
  };

  it("returns the settings typed, with defaults for those the stack left out", () => {
    const env = readEnv(shape, { FINDINGS_TABLE_NAME: "vigil-prod-FindingsTable", TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:vigil-prod-findings", RETENTION_DAYS: "30" });

    expect(env).toEqual({
      FINDINGS_TABLE_NAME: "vigil-prod-FindingsTable",
      TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:vigil-prod-findings",
      VIGIL_CONFIG: {},
      RETENTION_DAYS: 30,
    });
  });

  it("parses a JSON setting", () => {
    const env = readEnv(shape, { FINDINGS_TABLE_NAME: "t", TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:t", VIGIL_CONFIG: '{"rules":{"iam-user-created":{"enabled":false}}}' });

    expect(env.VIGIL_CONFIG).toEqual({ rules: { "iam-user-created": { enabled: false } } });
  });

  it("names every missing or malformed variable in one error", () => {
    const read = () => readEnv(shape, { TOPIC_ARN: "vigil-prod-findings", VIGIL_CONFIG: "{rules:", RETENTION_DAYS: "-1" });

    expect(read).toThrow(/^environment: /);
    expect(read).toThrow(/FINDINGS_TABLE_NAME: /);
    expect(read).toThrow(/TOPIC_ARN: /);
    expect(read).toThrow(/VIGIL_CONFIG: not JSON \(/);
    expect(read).toThrow(/RETENTION_DAYS: /);
  });
});
