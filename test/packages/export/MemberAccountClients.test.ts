import { BatchImportFindingsCommand, type BatchImportFindingsCommandInput, BatchUpdateFindingsCommand, type BatchUpdateFindingsCommandInput, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { MemberAccountClients, SecurityHubAccessError, SecurityHubImporter } from "@vigil/export";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { changes, defaultProduct, fakeClock, importAnswer, OWN_ACCOUNT, REGION, updateAnswer } from "./securityHubFixtures.ts";

const MEMBER_A = "222233334444";
const MEMBER_B = "333344445555";
const roleArn = (account: string) => `arn:aws:iam::${account}:role/VigilSecurityHubImport`;

const hub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);
/** Who sent each BatchImportFindings: the own client, or the access key of the member's credentials. */
let senders: { sender: string; accounts: string[]; products: string[] }[] = [];
let ownClient: SecurityHubClient;

beforeEach(() => {
  hub.reset();
  sts.reset();
  senders = [];
  ownClient = new SecurityHubClient({ region: REGION });
  hub.on(BatchImportFindingsCommand).callsFake(async (input: BatchImportFindingsCommandInput, getClient) => {
    const client = getClient();
    const sender = client === ownClient ? "own" : (await client.config.credentials()).accessKeyId;
    senders.push({ sender, accounts: [...new Set(input.Findings?.map((finding) => finding.AwsAccountId!))], products: [...new Set(input.Findings?.map((finding) => finding.ProductArn!))] });
    return importAnswer(input);
  });
  hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input));
  // Each member's credentials carry its account in the key, so a request shows whose they were.
  sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
    const account = /:iam::(\d{12}):/.exec(input.RoleArn!)![1]!;
    return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date(clock.now() + input.DurationSeconds! * 1000) } };
  });
});

let clock = fakeClock();

function organization() {
  clock = fakeClock();
  const clients = new MemberAccountClients({ account: OWN_ACCOUNT, client: ownClient, sts: new STSClient({ region: REGION }), roleName: "VigilSecurityHubImport", region: REGION, sleep: clock.sleep, now: clock.now });
  return new SecurityHubImporter({ region: REGION, clients, sleep: clock.sleep, now: clock.now });
}

const assumed = () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);

describe("MemberAccountClients", () => {
  it("imports each account's findings as that account: its own client, then each member's role, assumed once", async () => {
    const importer = organization();
    const batch = () => [...changes(2, { account: MEMBER_A }), ...changes(3), ...changes(2, { account: MEMBER_B })];

    const first = await importer.import(batch());
    const second = await importer.import(batch());

    expect(first.failed).toEqual([]);
    expect(second.imported).toHaveLength(7);
    expect(assumed().sort()).toEqual([roleArn(MEMBER_A), roleArn(MEMBER_B)]);
    expect(sts.commandCalls(AssumeRoleCommand).find((call) => call.args[0].input.RoleArn === roleArn(MEMBER_A))?.args[0].input).toEqual({ RoleArn: roleArn(MEMBER_A), RoleSessionName: "vigil-securityhub", DurationSeconds: 900 });
    const expected = [
      { sender: `ASIA${MEMBER_A}`, accounts: [MEMBER_A], products: [defaultProduct(MEMBER_A)] },
      { sender: "own", accounts: [OWN_ACCOUNT], products: [defaultProduct(OWN_ACCOUNT)] },
      { sender: `ASIA${MEMBER_B}`, accounts: [MEMBER_B], products: [defaultProduct(MEMBER_B)] },
    ];
    // Accounts are imported concurrently, so only each request's sender and contents are fixed, not their order.
    const bySender = (a: { sender: string }, b: { sender: string }) => a.sender.localeCompare(b.sender);
    expect(senders.sort(bySender)).toEqual([...expected, ...expected].sort(bySender));
    expect(first.calls).toEqual({ "sts:AssumeRole": 2, "securityhub:BatchImportFindings": 3 });
    expect(second.calls).toEqual({ "securityhub:BatchImportFindings": 3 });
  });

  it("sets a member's Workflow through that member's client, on its own product", async () => {
    const importer = organization();
    const member = changes(2, { account: MEMBER_A, status: "suppressed", setWorkflow: true });

    const outcome = await importer.import(member);

    expect(outcome.imported).toHaveLength(2);
    const [update] = hub.commandCalls(BatchUpdateFindingsCommand);
    expect(await update!.thisValue.config.credentials()).toMatchObject({ accessKeyId: `ASIA${MEMBER_A}` });
    expect(update!.args[0].input.FindingIdentifiers).toEqual(member.map((change) => ({ Id: change.finding.id, ProductArn: defaultProduct(MEMBER_A) })));
  });

  it("assumes a member's role again a minute before its credentials expire", async () => {
    const importer = organization();
    await importer.import(changes(1, { account: MEMBER_A }));
    await clock.sleep(900_000 - 60_000 - 1);
    await importer.import(changes(1, { account: MEMBER_A }));
    await clock.sleep(1);
    await importer.import(changes(1, { account: MEMBER_A }));

    expect(assumed()).toEqual([roleArn(MEMBER_A), roleArn(MEMBER_A)]);
  });

  it("fails only the findings of a member whose import role cannot be assumed, saying the role is missing there", async () => {
    sts.on(AssumeRoleCommand, { RoleArn: roleArn(MEMBER_B) }).rejects(
      new STSServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: `User: arn:aws:sts::${OWN_ACCOUNT}:assumed-role/vigil/fn is not authorized to perform: sts:AssumeRole on resource: ${roleArn(MEMBER_B)}`,
        $metadata: {},
      }),
    );
    const importer = organization();
    const reachable = [...changes(2), ...changes(2, { account: MEMBER_A })];
    const unreachable = changes(3, { account: MEMBER_B });

    const outcome = await importer.import([...reachable, ...unreachable]);
    await importer.import(unreachable);

    expect(outcome.imported).toEqual(reachable.map((change) => change.finding.id));
    expect(outcome.failed.map((failure) => [failure.id, failure.account])).toEqual(unreachable.map((change) => [change.finding.id, MEMBER_B]));
    expect(outcome.failed[0]?.error).toMatch(
      /^account 333344445555: the Security Hub import role arn:aws:iam::333344445555:role\/VigilSecurityHubImport is missing in the account \(the organization's StackSet has not reached it\).*sts:AssumeRole: AccessDenied: User: .* is not authorized/,
    );
    // A refusal is not kept: the StackSet may have reached the account by the next import.
    expect(assumed().filter((arn) => arn === roleArn(MEMBER_B))).toHaveLength(2);
  });

  it("says why a client cannot be had", async () => {
    const clients = new MemberAccountClients({ account: OWN_ACCOUNT, client: ownClient, sts: new STSClient({ region: REGION }), roleName: "VigilSecurityHubImport", region: REGION });
    await expect(clients.clientFor(OWN_ACCOUNT)).resolves.toBe(ownClient);
    await expect(clients.clientFor("12345")).rejects.toBeInstanceOf(SecurityHubAccessError);
    expect(() => new MemberAccountClients({ account: OWN_ACCOUNT, client: ownClient, sts: new STSClient({ region: REGION }), roleName: "no/slash", region: REGION })).toThrow(/IAM role name/);
  });
});
