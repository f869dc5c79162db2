import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandInput,
  InvalidAccessException,
  LimitExceededException,
  SecurityHubClient,
  SecurityHubServiceException,
} from "@aws-sdk/client-securityhub";
import { OwnAccountClients, SecurityHubImporter, type SecurityHubImporterOptions } from "@vigil/export";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { asffProblems } from "../../helpers/asffFinding.ts";
import { changes, defaultProduct, fakeClock, importAnswer, OWN_ACCOUNT, REGION, updateAnswer } from "./securityHubFixtures.ts";

const hub = mockClient(SecurityHubClient);

beforeEach(() => {
  hub.reset();
  hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
  hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input));
});

/** The importer of a single-account deployment, on a clock only its sleep moves. */
function importer(options: Partial<SecurityHubImporterOptions> = {}) {
  const clock = fakeClock();
  const clients = new OwnAccountClients({ account: OWN_ACCOUNT, client: new SecurityHubClient({ region: REGION }) });
  return { importer: new SecurityHubImporter({ region: REGION, clients, sleep: clock.sleep, now: clock.now, ...options }), clock };
}

const imports = () => hub.commandCalls(BatchImportFindingsCommand).map((call) => call.args[0].input);
const updates = () => hub.commandCalls(BatchUpdateFindingsCommand).map((call) => call.args[0].input);
const limitExceeded = () => new LimitExceededException({ message: "Rate exceeded", $metadata: {} });
const throttling = () => new SecurityHubServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: {} });

describe("SecurityHubImporter", () => {
  it("imports 250 findings in requests of 100, 100 and 50 valid ASFF findings", async () => {
    const batch = changes(250);
    const { importer: hubImporter } = importer();

    const outcome = await hubImporter.import(batch);

    expect(imports().map((input) => input.Findings?.length)).toEqual([100, 100, 50]);
    const sent = imports().flatMap((input) => input.Findings ?? []);
    expect(sent.flatMap((finding) => asffProblems(finding))).toEqual([]);
    expect(sent.map((finding) => finding.Id)).toEqual(batch.map((change) => change.finding.id));
    expect(new Set(sent.map((finding) => finding.ProductArn))).toEqual(new Set([defaultProduct(OWN_ACCOUNT)]));
    expect(new Set(sent.map((finding) => finding.UpdatedAt))).toEqual(new Set(["2026-11-23T08:00:00.000Z"]));
    expect(outcome).toEqual({ imported: batch.map((change) => change.finding.id), failed: [], calls: { "securityhub:BatchImportFindings": 3 } });
  });

  it("fails only the findings Security Hub lists in FailedFindings, with their ErrorCode", async () => {
    const batch = changes(5);
    const refused = { [batch[1]!.finding.id]: { ErrorCode: "InvalidInput", ErrorMessage: "Finding does not adhere to ASFF" }, [batch[3]!.finding.id]: { ErrorCode: "FindingSizeExceeded", ErrorMessage: "too big" } };
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input, refused));

    const outcome = await importer().importer.import(batch);

    expect(outcome.imported).toEqual([0, 2, 4].map((index) => batch[index]!.finding.id));
    expect(outcome.failed).toEqual([
      { id: batch[1]!.finding.id, account: OWN_ACCOUNT, error: "securityhub:BatchImportFindings: InvalidInput: Finding does not adhere to ASFF" },
      { id: batch[3]!.finding.id, account: OWN_ACCOUNT, error: "securityhub:BatchImportFindings: FindingSizeExceeded: too big" },
    ]);
  });

  it("backs off while Security Hub throttles, and imports once it accepts", async () => {
    hub.on(BatchImportFindingsCommand).rejectsOnce(limitExceeded()).rejectsOnce(throttling()).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
    const { importer: hubImporter, clock } = importer();

    const outcome = await hubImporter.import(changes(3));

    expect(outcome.imported).toHaveLength(3);
    expect(outcome.failed).toEqual([]);
    expect(clock.waits).toEqual([1000, 2000]);
    expect(outcome.calls).toEqual({ "securityhub:BatchImportFindings": 3 });
  });

  it("fails a chunk still throttled after maxAttempts and imports the others", async () => {
    const batch = changes(150);
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => {
      if (input.Findings?.[0]?.Id === batch[0]!.finding.id) throw limitExceeded();
      return importAnswer(input);
    });
    const { importer: hubImporter, clock } = importer({ maxAttempts: 3 });

    const outcome = await hubImporter.import(batch);

    expect(outcome.imported).toEqual(batch.slice(100).map((change) => change.finding.id));
    expect(outcome.failed).toHaveLength(100);
    expect(outcome.failed[0]).toEqual({
      id: batch[0]!.finding.id,
      account: OWN_ACCOUNT,
      error: "securityhub:BatchImportFindings: LimitExceededException: Rate exceeded (still throttled after 3 attempts)",
    });
    // The backoffs, then the pacing's 1/10 s before the next chunk, right after the last attempt.
    expect(clock.waits).toEqual([1000, 2000, 100]);
    expect(outcome.calls).toEqual({ "securityhub:BatchImportFindings": 4 });
  });

  it("fails a chunk at once when Security Hub refuses the call", async () => {
    hub.on(BatchImportFindingsCommand).rejects(new InvalidAccessException({ message: "Account 111122223333 is not subscribed to AWS Security Hub", $metadata: {} }));
    const { importer: hubImporter, clock } = importer();

    const outcome = await hubImporter.import(changes(2, { setWorkflow: true }));

    expect(outcome.imported).toEqual([]);
    expect(outcome.failed.map((failure) => failure.error)).toEqual(Array(2).fill("securityhub:BatchImportFindings: InvalidAccessException: Account 111122223333 is not subscribed to AWS Security Hub"));
    expect(clock.waits).toEqual([]);
    expect(updates()).toEqual([]);
  });

  it("sets the Workflow of changed findings after their import, one BatchUpdateFindings per status", async () => {
    const acknowledged = changes(2, { status: "acknowledged", setWorkflow: true, tag: "ack" });
    const resolved = changes(3, { status: "resolved", setWorkflow: true, tag: "res" });
    const suppressed = changes(1, { status: "suppressed", setWorkflow: true, tag: "sup" });
    const created = changes(2, { status: "acknowledged", setWorkflow: false, tag: "new" });
    const batch = [...acknowledged, ...resolved, ...created, ...suppressed];
    const identifiers = (items: typeof batch) => items.map((change) => ({ Id: change.finding.id, ProductArn: defaultProduct(OWN_ACCOUNT) }));

    const outcome = await importer().importer.import(batch);

    expect(hub.calls().map((call) => call.args[0].constructor.name)).toEqual(["BatchImportFindingsCommand", "BatchUpdateFindingsCommand", "BatchUpdateFindingsCommand", "BatchUpdateFindingsCommand"]);
    expect(updates()).toEqual([
      { FindingIdentifiers: identifiers(acknowledged), Workflow: { Status: "NOTIFIED" } },
      { FindingIdentifiers: identifiers(resolved), Workflow: { Status: "RESOLVED" } },
      { FindingIdentifiers: identifiers(suppressed), Workflow: { Status: "SUPPRESSED" } },
    ]);
    expect(outcome.imported).toEqual(batch.map((change) => change.finding.id));
    expect(outcome.calls).toEqual({ "securityhub:BatchImportFindings": 1, "securityhub:BatchUpdateFindings": 3 });
  });

  it("never sets the Workflow of a finding whose import failed, and fails a finding left unprocessed", async () => {
    const batch = changes(4, { status: "resolved", setWorkflow: true });
    const [notImported, unprocessed, kept, alsoKept] = batch.map((change) => change.finding.id) as [string, string, string, string];
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input, { [notImported]: { ErrorCode: "InvalidInput", ErrorMessage: "bad" } }));
    hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input, { [unprocessed]: { ErrorCode: "FindingNotFound", ErrorMessage: "Finding not found" } }));

    const outcome = await importer().importer.import(batch);

    expect(updates().flatMap((input) => input.FindingIdentifiers?.map((identifier) => identifier.Id))).toEqual([unprocessed, kept, alsoKept]);
    expect(outcome.imported).toEqual([kept, alsoKept]);
    expect(outcome.failed).toEqual([
      { id: notImported, account: OWN_ACCOUNT, error: "securityhub:BatchImportFindings: InvalidInput: bad" },
      { id: unprocessed, account: OWN_ACCOUNT, error: "securityhub:BatchUpdateFindings: FindingNotFound: Finding not found (imported, but its Workflow is not yet RESOLVED)" },
    ]);
  });

  it("retries a throttled BatchUpdateFindings like an import", async () => {
    hub.on(BatchUpdateFindingsCommand).rejectsOnce(throttling()).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input));
    const { importer: hubImporter, clock } = importer();

    const outcome = await hubImporter.import(changes(2, { status: "suppressed", setWorkflow: true }));

    expect(outcome.imported).toHaveLength(2);
    // The pacing's 1/10 s after the import, then the backoff.
    expect(clock.waits).toEqual([100, 1000]);
    expect(outcome.calls).toEqual({ "securityhub:BatchImportFindings": 1, "securityhub:BatchUpdateFindings": 2 });
  });

  it("never makes more than 10 calls of one account in any second", async () => {
    const { importer: hubImporter, clock } = importer();
    const startedAt: number[] = [];
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => {
      startedAt.push(clock.now());
      return importAnswer(input);
    });
    hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => {
      startedAt.push(clock.now());
      return updateAnswer(input);
    });

    const first = await hubImporter.import(changes(1500, { status: "resolved", setWorkflow: true, tag: "first" }));
    const second = await hubImporter.import(changes(300, { tag: "second" }));

    expect(first.failed.length + second.failed.length).toBe(0);
    expect(startedAt).toHaveLength(15 + 15 + 3);
    for (let index = 10; index < startedAt.length; index++) expect(startedAt[index]! - startedAt[index - 10]!).toBeGreaterThanOrEqual(1000);
  });

  it("fails each finding of another account in a single-account deployment and imports its own", async () => {
    const own = changes(2);
    const other = changes(2, { account: "444455556666" });

    const outcome = await importer().importer.import([...own, ...other]);

    expect(outcome.imported).toEqual(own.map((change) => change.finding.id));
    expect(outcome.failed.map((failure) => [failure.id, failure.account])).toEqual(other.map((change) => [change.finding.id, "444455556666"]));
    expect(outcome.failed[0]?.error).toMatch(/^account 444455556666: only account 111122223333 is imported into Security Hub by this single-account deployment/);
    expect(imports().flatMap((input) => input.Findings?.map((finding) => finding.AwsAccountId))).toEqual([OWN_ACCOUNT, OWN_ACCOUNT]);
  });

  it("fails a finding toAsff cannot map without sending it", async () => {
    const [bad, good] = changes(2);
    const outcome = await importer().importer.import([{ ...bad!, updatedAt: "yesterday" }, good!]);

    expect(outcome.imported).toEqual([good!.finding.id]);
    expect(outcome.failed).toEqual([{ id: bad!.finding.id, account: OWN_ACCOUNT, error: expect.stringMatching(/^not exportable to ASFF: /) }]);
  });

  it("refuses a region that is not one", () => {
    expect(() => importer({ region: "eu-west" })).toThrow(/not an AWS region/);
  });
});
