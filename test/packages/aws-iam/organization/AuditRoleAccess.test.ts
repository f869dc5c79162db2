import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { AccountAccessError, AuditRoleAccess, type AuditRoleAccessOptions } from "@vigil/aws-iam";
import { InvalidInputError } from "@vigil/core";
import { beforeEach, describe, expect, it } from "vitest";
import { simulateAccounts, type SimulatedAccountState } from "../../monitor/simulatedAccounts.ts";

const HOME = "200000000000";
const states = new Map<string, SimulatedAccountState>();
const simulated = simulateAccounts({ homeAccount: HOME, stateOf: (account) => states.get(account) });

beforeEach(() => {
  states.clear();
  simulated.sts.resetHistory();
});

/** The audit role access as the function builds it, with what its sleep was asked to wait. */
function access(options: Pick<AuditRoleAccessOptions, "clients"> = {}) {
  const waits: number[] = [];
  const audit = new AuditRoleAccess({ sts: new STSClient({ region: "eu-west-1" }), roleName: "VigilAudit", region: "eu-west-1", sleep: async (ms) => void waits.push(ms), ...options });
  return { audit, waits };
}

async function refusal(account: string): Promise<AccountAccessError> {
  const error = await access().audit.open(account).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AccountAccessError);
  return error as AccountAccessError;
}

describe("AuditRoleAccess", () => {
  it("assumes the account's audit role and reads the account with those credentials", async () => {
    // Prepare
    states.set("200000000042", { rootMfa: false });
    const made: { accessKeyId: string; region: string }[] = [];
    const { audit } = access({
      clients: (credentials, region) => {
        made.push({ accessKeyId: credentials.accessKeyId, region });
        return { iam: new IAMClient({ region, credentials }), cloudTrail: new CloudTrailClient({ region, credentials }) };
      },
    });

    // Act
    const opened = await audit.open("200000000042");
    const read = await opened.read();
    opened.close();

    // Assess
    expect(simulated.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: "arn:aws:iam::200000000042:role/VigilAudit", RoleSessionName: "vigil-posture", DurationSeconds: 900 },
    ]);
    expect(made).toEqual([{ accessKeyId: "ASIA200000000042AUDT", region: "eu-west-1" }]);
    expect(read.snapshot.account).toBe("200000000042");
    expect(read.snapshot.accountSummary?.AccountMFAEnabled).toBe(0);
    expect(read.calls["sts:AssumeRole"]).toBe(1);
  });

  it("says the role is missing or does not trust Vigil when AssumeRole is refused", async () => {
    states.set("200000000043", { trouble: "role-missing" });
    const error = await refusal("200000000043");
    expect(error.reason).toBe("role-unavailable");
    expect(error.message).toMatch(/^account 200000000043: the audit role arn:aws:iam::200000000043:role\/VigilAudit could not be assumed: it is missing \(the StackSet has not reached the account\) or its trust policy does not allow Vigil \(sts:AssumeRole: AccessDenied: User: .* is not authorized/);
  });

  it("says STS is not activated in the region", async () => {
    states.set("200000000044", { trouble: "region-disabled" });
    const error = await refusal("200000000044");
    expect(error.reason).toBe("region-disabled");
    expect(error.message).toMatch(/STS is not activated in eu-west-1 for the account; activate it in IAM's account settings/);
  });

  it("waits out STS's throttling, then says it gave up", async () => {
    states.set("200000000045", { trouble: "sts-throttled" });
    const { audit, waits } = access();
    const error = await audit.open("200000000045").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: "throttled", message: expect.stringMatching(/STS was still throttling after the retries/) });
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it("calls an account whose every read is refused not read, and says its role lacks the spoke's permissions", async () => {
    states.set("200000000046", { trouble: "reads-denied" });
    const opened = await access().audit.open("200000000046");
    const error = await opened.read().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: "reads-denied", message: expect.stringMatching(/the audit role was assumed but every read was refused/) });
  });

  it("refuses a malformed account id or role name before calling AWS", async () => {
    await expect(access().audit.open("2000")).rejects.toThrow(InvalidInputError);
    expect(() => new AuditRoleAccess({ sts: new STSClient({}), roleName: "Vigil Audit", region: "eu-west-1" })).toThrow(/roleName: must be an IAM role name/);
    expect(simulated.sts.commandCalls(AssumeRoleCommand)).toEqual([]);
  });
});
