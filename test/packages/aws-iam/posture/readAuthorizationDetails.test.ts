import { GetAccountAuthorizationDetailsCommand, type GetAccountAuthorizationDetailsCommandInput, type GetAccountAuthorizationDetailsResponse, IAMClient, IAMServiceException } from "@aws-sdk/client-iam";
import { AwsCallError, type CallContext, readAuthorizationDetails, THROTTLE_RETRIES } from "@vigil/aws-iam";
import { authorizationDetailsSchema, principalsOf } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { formEncode, rfc3986Encode } from "../iamEncoding.ts";
import { awsResponse } from "./awsResponses.ts";

const iam = mockClient(IAMClient);
const client = new IAMClient({ region: "us-east-1" });

function context(): CallContext & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { calls: {}, sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

/** The fixture's answer in three pages, as IAM splits its four lists when MaxItems runs out. */
function pages(): GetAccountAuthorizationDetailsResponse[] {
  const whole = awsResponse<Required<GetAccountAuthorizationDetailsResponse>>("iam/get-account-authorization-details.json");
  const empty = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  return [
    { ...empty, UserDetailList: whole.UserDetailList.slice(0, 3), IsTruncated: true, Marker: "page-2" },
    { ...empty, UserDetailList: whole.UserDetailList.slice(3), GroupDetailList: whole.GroupDetailList, RoleDetailList: whole.RoleDetailList.slice(0, 2), IsTruncated: true, Marker: "page-3" },
    { ...empty, RoleDetailList: whole.RoleDetailList.slice(2), Policies: whole.Policies, IsTruncated: false },
  ];
}

function answerPages(answers = pages()) {
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: GetAccountAuthorizationDetailsCommandInput) => {
    const index = input.Marker === undefined ? 0 : input.Marker === "page-2" ? 1 : input.Marker === "page-3" ? 2 : -1;
    const page = answers[index];
    if (!page) throw new Error(`unexpected Marker ${input.Marker}`);
    return page;
  });
}

describe("Function: readAuthorizationDetails", () => {
  afterEach(() => iam.reset());

  it("merges every page of the four lists, in IAM's order", async () => {
    answerPages();
    const calls = context();

    const details = await readAuthorizationDetails(client, calls);

    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((call) => call.args[0].input)).toEqual([
      { MaxItems: 1000 },
      { MaxItems: 1000, Marker: "page-2" },
      { MaxItems: 1000, Marker: "page-3" },
    ]);
    expect(calls.calls).toEqual({ "iam:GetAccountAuthorizationDetails": 3 });
    expect(details.UserDetailList.map((user) => user.UserName)).toEqual(["ana", "ci-deployer", "backup-agent", "idle"]);
    expect(details.GroupDetailList.map((group) => group.GroupName)).toEqual(["backup"]);
    expect(details.RoleDetailList.map((role) => role.RoleName)).toEqual(["aws-support", "report-builder", "AWSServiceRoleForSupport"]);
    expect(details.Policies.map((policy) => policy.PolicyName)).toEqual(["AdministratorAccess", "AWSSupportAccess", "ci-deploy"]);
    expect(authorizationDetailsSchema.safeParse(details).success).toBe(true);
  });

  it("writes what the AWS CLI writes: times as ISO text, every policy document as its JSON object, RoleLastUsed kept", async () => {
    answerPages();

    const details = await readAuthorizationDetails(client, context());

    const [ana] = details.UserDetailList;
    expect(ana).toMatchObject({ UserName: "ana", Arn: "arn:aws:iam::111122223333:user/ana", CreateDate: "2024-01-10T09:00:00.000Z", UserId: "AIDA6ON6E4XEANA000001" });
    expect(details.GroupDetailList[0]?.GroupPolicyList).toEqual([
      {
        PolicyName: "backup-bucket",
        PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::backups-111122223333/*" }] },
      },
    ]);
    const [support, builder, serviceLinked] = details.RoleDetailList;
    expect(support).toMatchObject({
      RoleName: "aws-support",
      CreateDate: "2024-01-10T09:05:00.000Z",
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" }] },
      RoleLastUsed: { LastUsedDate: "2026-11-02T14:21:07.000Z", Region: "us-east-1" },
    });
    // IAM answers an empty RoleLastUsed for a role not used in its 400 days.
    expect(builder?.RoleLastUsed).toEqual({});
    expect(serviceLinked?.Path).toBe("/aws-service-role/support.amazonaws.com/");
    // Instance profiles repeat their roles with the trust policy still encoded.
    expect(support).not.toHaveProperty("InstanceProfileList");
    const ciDeploy = details.Policies.find((policy) => policy.PolicyName === "ci-deploy");
    expect(ciDeploy).toMatchObject({ DefaultVersionId: "v2", AttachmentCount: 1, UpdateDate: "2025-08-14T16:45:00.000Z" });
    expect(ciDeploy?.PolicyVersionList).toEqual([
      { VersionId: "v2", IsDefaultVersion: true, CreateDate: "2025-08-14T16:45:00.000Z", Document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "cloudformation:*"], Resource: "*" }] } },
      { VersionId: "v1", IsDefaultVersion: false, CreateDate: "2024-03-02T12:00:00.000Z", Document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: "*" }] } },
    ]);
    // What the unused-access checks take from it.
    expect(principalsOf(details).find((principal) => principal.name === "backup-agent")?.policies).toEqual([
      expect.objectContaining({ id: "inline:backup/backup-bucket", kind: "inline", group: "backup" }),
    ]);
  });

  it("decodes documents encoded as java.net.URLEncoder does (spaces as +) and keeps a literal +", async () => {
    const document = { Version: "2012-10-17", Statement: [{ Sid: "Read reports", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/a+b/*" }] };
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [
        { UserName: "reader", UserId: "AIDA6ON6E4XEREADER001", Arn: "arn:aws:iam::111122223333:user/reader", Path: "/", CreateDate: new Date("2025-01-01T00:00:00Z"), UserPolicyList: [{ PolicyName: "reports", PolicyDocument: formEncode(JSON.stringify(document, null, 2)) }] },
      ],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
      IsTruncated: false,
    });

    const details = await readAuthorizationDetails(client, context());

    expect(details.UserDetailList[0]?.UserPolicyList?.[0]?.PolicyDocument).toEqual(document);
  });

  it("retries a throttled page with growing waits, counting every attempt", async () => {
    const throttled = new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
    const [first, second, third] = pages();
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce(first as GetAccountAuthorizationDetailsResponse)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolvesOnce(second as GetAccountAuthorizationDetailsResponse)
      .resolvesOnce(third as GetAccountAuthorizationDetailsResponse);
    const calls = context();

    const details = await readAuthorizationDetails(client, calls);

    expect(details.Policies).toHaveLength(3);
    expect(calls.sleeps).toEqual([1000, 2000]);
    expect(calls.calls).toEqual({ "iam:GetAccountAuthorizationDetails": 5 });
  });

  it("gives up on a page still throttled after its retries", async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }));
    const calls = context();

    const error = await readAuthorizationDetails(client, calls).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: "iam:GetAccountAuthorizationDetails", code: "Throttling", throttledAttempts: THROTTLE_RETRIES + 1 });
    expect(calls.calls["iam:GetAccountAuthorizationDetails"]).toBe(THROTTLE_RETRIES + 1);
  });

  it("names the field of a malformed answer", async () => {
    const answers = pages();
    const roles = answers[1]?.RoleDetailList ?? [];
    delete roles[1]?.RoleName;
    answerPages(answers);

    await expect(readAuthorizationDetails(client, context())).rejects.toThrow(/^iam:GetAccountAuthorizationDetails: malformed answer: RoleDetailList\[1\]\.RoleName: /);
  });

  it("names a policy document that is not URL-encoded JSON", async () => {
    const answers = pages();
    const policy = answers[2]?.Policies?.[2];
    const version = policy?.PolicyVersionList?.[1];
    if (version) version.Document = rfc3986Encode('{"Version":"2012-10-17","Statement":[');
    answerPages(answers);

    await expect(readAuthorizationDetails(client, context())).rejects.toThrow("iam:GetAccountAuthorizationDetails: malformed answer: Policies[2].PolicyVersionList[1].Document: not URL-encoded JSON");
  });

  it("refuses a truncated page without a Marker", async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [], IsTruncated: true });

    await expect(readAuthorizationDetails(client, context())).rejects.toThrow("iam:GetAccountAuthorizationDetails: the page is truncated but has no Marker");
  });
});
