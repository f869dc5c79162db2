import { IAMClient, IAMServiceException, ListAccessKeysCommand, NoSuchEntityException, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { deactivateOldAccessKeys } from "@vigil/aws-iam";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsResponse } from "./awsResponses.ts";

const iam = mockClient(IAMClient);
const ACCOUNT = "111122223333";
const NOW = new Date("2026-11-20T09:00:00Z");
const CI = "arn:aws:iam::111122223333:user/automation/ci-deployer";
const BACKUP = "arn:aws:iam::111122223333:user/backup-agent";
const ROOT = "arn:aws:iam::111122223333:root";

const run = (overrides: Partial<Parameters<typeof deactivateOldAccessKeys>[0]> = {}) =>
  deactivateOldAccessKeys({
    iam: new IAMClient({ region: "us-east-1" }),
    account: ACCOUNT,
    userArns: [CI, BACKUP],
    olderThanDays: 90,
    now: NOW,
    dryRun: false,
    ignore: () => false,
    sleep: async () => {},
    ...overrides,
  });

const updates = () => iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input);

describe("Function: deactivateOldAccessKeys", () => {
  beforeEach(() => {
    iam.on(ListAccessKeysCommand, { UserName: "ci-deployer" }).resolves(awsResponse("iam/list-access-keys-ci-deployer.json"));
    iam.on(ListAccessKeysCommand, { UserName: "backup-agent" }).resolves(awsResponse("iam/list-access-keys-backup-agent.json"));
    iam.on(UpdateAccessKeyCommand).resolves({});
  });
  afterEach(() => iam.reset());

  it("makes exactly the active keys older than the limit Inactive, and says so for each", async () => {
    const actions = await run();

    expect(updates()).toEqual([
      { UserName: "ci-deployer", AccessKeyId: "AKIA6ON6E4XECIOLD0001", Status: "Inactive" },
      { UserName: "backup-agent", AccessKeyId: "AKIA6ON6E4XEBACKUP001", Status: "Inactive" },
    ]);
    expect(actions).toEqual([
      { kind: "deactivate-access-key", user: "ci-deployer", arn: CI, accessKeyId: "AKIA6ON6E4XECIOLD0001", ageDays: 1403, outcome: "done" },
      { kind: "deactivate-access-key", user: "backup-agent", arn: BACKUP, accessKeyId: "AKIA6ON6E4XEBACKUP001", ageDays: 899, outcome: "done" },
    ]);
    expect(iam.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input)).toEqual([{ UserName: "ci-deployer" }, { UserName: "backup-agent" }]);
  });

  it("changes nothing in a dry run and lists what it would do", async () => {
    const actions = await run({ dryRun: true });

    expect(updates()).toEqual([]);
    expect(actions.map((action) => [action.accessKeyId, action.outcome])).toEqual([
      ["AKIA6ON6E4XECIOLD0001", "would-do"],
      ["AKIA6ON6E4XEBACKUP001", "would-do"],
    ]);
  });

  it("takes the limit as given: at 1000 days only the 1,403-day-old key goes", async () => {
    const actions = await run({ olderThanDays: 1000 });

    expect(updates()).toEqual([{ UserName: "ci-deployer", AccessKeyId: "AKIA6ON6E4XECIOLD0001", Status: "Inactive" }]);
    expect(actions.map((action) => action.user)).toEqual(["ci-deployer"]);
  });

  it("never touches root or an ignored principal, and never lists their keys", async () => {
    const actions = await run({ userArns: [ROOT, CI, BACKUP], ignore: (arn) => arn === CI });

    expect(updates()).toEqual([{ UserName: "backup-agent", AccessKeyId: "AKIA6ON6E4XEBACKUP001", Status: "Inactive" }]);
    expect(iam.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input.UserName)).toEqual(["backup-agent"]);
    expect(actions.slice(0, 2)).toEqual([
      { kind: "deactivate-access-key", user: "<root_account>", arn: ROOT, outcome: "skipped", reason: "root's access keys are never changed by Vigil" },
      { kind: "deactivate-access-key", user: "ci-deployer", arn: CI, outcome: "skipped", reason: "the principal is ignored by the configuration" },
    ]);
  });

  it("refuses a user of another account, whose name could match a user of this one", async () => {
    const actions = await run({ userArns: ["arn:aws:iam::999988887777:user/backup-agent"] });

    expect(iam.calls()).toHaveLength(0);
    expect(actions).toEqual([
      { kind: "deactivate-access-key", user: "backup-agent", arn: "arn:aws:iam::999988887777:user/backup-agent", outcome: "skipped", reason: "the user is in account 999988887777, not 111122223333" },
    ]);
  });

  it("records a refused update as failed with IAM's reason and goes on with the next key", async () => {
    iam.on(UpdateAccessKeyCommand, { UserName: "ci-deployer" }).rejects(
      new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "not authorized to perform: iam:UpdateAccessKey", $metadata: { httpStatusCode: 403 } }),
    );

    const actions = await run();

    expect(actions.map((action) => [action.user, action.outcome, action.reason])).toEqual([
      ["ci-deployer", "failed", "iam:UpdateAccessKey: AccessDenied: not authorized to perform: iam:UpdateAccessKey"],
      ["backup-agent", "done", undefined],
    ]);
  });

  it("skips a user deleted since the finding and retries a throttled listing", async () => {
    iam.on(ListAccessKeysCommand, { UserName: "ci-deployer" }).rejects(new NoSuchEntityException({ message: "The user with name ci-deployer cannot be found.", $metadata: { httpStatusCode: 404 } }));
    iam
      .on(ListAccessKeysCommand, { UserName: "backup-agent" })
      .rejectsOnce(new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }))
      .resolves(awsResponse("iam/list-access-keys-backup-agent.json"));

    const actions = await run();

    expect(actions.map((action) => [action.user, action.outcome, action.reason])).toEqual([
      ["ci-deployer", "skipped", "the user no longer exists"],
      ["backup-agent", "done", undefined],
    ]);
  });

  it("refuses what is not a user ARN, naming the entry", async () => {
    await expect(run({ userArns: [CI, "arn:aws:iam::111122223333:role/deploy"] })).rejects.toThrow("userArns[1]: must be an IAM user ARN");
    await expect(run({ olderThanDays: 0 })).rejects.toThrow("olderThanDays");
    expect(iam.calls()).toHaveLength(0);
  });
});
