import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  type GetEventSelectorsCommandInput,
  GetTrailStatusCommand,
  type GetTrailStatusCommandInput,
  ThrottlingException,
  TrailNotFoundException,
} from "@aws-sdk/client-cloudtrail";
import {
  CredentialReportExpiredException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyVersionCommand,
  type GetPolicyVersionCommandInput,
  GetServiceLastAccessedDetailsCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListEntitiesForPolicyCommand,
  type ListEntitiesForPolicyCommandInput,
  ListPoliciesCommand,
  type ListPoliciesCommandInput,
  ListServerCertificatesCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { readAccountSnapshot, THROTTLE_RETRIES } from "@vigil/aws-iam";
import { InvalidInputError } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rfc3986Encode } from "../iamEncoding.ts";
import {
  ACCESS_ADVISOR_CANDIDATES,
  accessAdvisorJobOf,
  awsResponse,
  CREDENTIAL_REPORT_CSV,
  credentialReportResponse,
  generatedCredentialReport,
  mockAccessReads,
} from "./awsResponses.ts";

const iam = mockClient(IAMClient);
const cloudTrail = mockClient(CloudTrailClient);
const ACCOUNT = "111122223333";
const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** Each customer policy's default version, as JSON text; IAM answers it URL-encoded. */
const DOCUMENTS: Record<string, string> = {
  "arn:aws:iam::111122223333:policy/billing-export": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ce:Get*","cur:DescribeReportDefinitions"],"Resource":"*"}]}',
  "arn:aws:iam::111122223333:policy/teams/ops-admin": '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }]\n}',
  "arn:aws:iam::111122223333:policy/ci-deploy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","cloudformation:*"],"Resource":"*"}]}',
};

const USERS_BY_POLICY: Record<string, string> = {
  "arn:aws:iam::aws:policy/AdministratorAccess": "iam/list-entities-for-policy-administrator-users.json",
  "arn:aws:iam::aws:policy/AWSSupportAccess": "iam/list-entities-for-policy-no-users.json",
  "arn:aws:iam::111122223333:policy/ci-deploy": "iam/list-entities-for-policy-ci-deploy-users.json",
};

const ORG_AUDIT = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit";
const DATA_EVENTS = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events";

const CANDIDATES = ACCESS_ADVISOR_CANDIDATES;
const jobOf = accessAdvisorJobOf;

function unexpected(operation: string, input: unknown): never {
  throw new Error(`unexpected ${operation} ${JSON.stringify(input)}`);
}

/** An account whose every read succeeds, answering as the fixtures under test/fixtures/aws. */
function mockAccount(csv = CREDENTIAL_REPORT_CSV) {
  iam.on(GenerateCredentialReportCommand).resolves(awsResponse("iam/generate-credential-report-complete.json"));
  iam.on(GetCredentialReportCommand).resolves(credentialReportResponse(csv));
  iam.on(GetAccountPasswordPolicyCommand).resolves(awsResponse("iam/get-account-password-policy.json"));
  iam.on(GetAccountSummaryCommand).resolves(awsResponse("iam/get-account-summary.json"));
  iam.on(ListPoliciesCommand).callsFake((input: ListPoliciesCommandInput) => {
    if (input.Scope === "All") return awsResponse("iam/list-policies-attached-all.json");
    if (input.Scope === "Local") return awsResponse(input.Marker ? "iam/list-policies-local-page-2.json" : "iam/list-policies-local-page-1.json");
    return unexpected("ListPolicies", input);
  });
  iam.on(GetPolicyVersionCommand).callsFake((input: GetPolicyVersionCommandInput) => {
    const document = DOCUMENTS[input.PolicyArn ?? ""] ?? unexpected("GetPolicyVersion", input);
    return { PolicyVersion: { Document: rfc3986Encode(document), VersionId: input.VersionId, IsDefaultVersion: true, CreateDate: new Date("2026-03-03T11:00:00Z") } };
  });
  iam.on(ListEntitiesForPolicyCommand).callsFake((input: ListEntitiesForPolicyCommandInput) => {
    if (input.EntityFilter === "Role" && input.PolicyArn === "arn:aws:iam::aws:policy/AWSSupportAccess") return awsResponse("iam/list-entities-for-policy-support-roles.json");
    const fixture = input.EntityFilter === "User" ? USERS_BY_POLICY[input.PolicyArn ?? ""] : undefined;
    return fixture ? awsResponse(fixture) : unexpected("ListEntitiesForPolicy", input);
  });
  iam.on(ListServerCertificatesCommand).resolves(awsResponse("iam/list-server-certificates.json"));
  mockAccessReads(iam);
  cloudTrail.on(DescribeTrailsCommand).resolves(awsResponse("cloudtrail/describe-trails.json"));
  cloudTrail.on(GetTrailStatusCommand).callsFake((input: GetTrailStatusCommandInput) => {
    if (input.Name === ORG_AUDIT) return awsResponse("cloudtrail/get-trail-status-logging.json");
    if (input.Name === DATA_EVENTS) return awsResponse("cloudtrail/get-trail-status-stopped.json");
    return unexpected("GetTrailStatus", input);
  });
  cloudTrail.on(GetEventSelectorsCommand).callsFake((input: GetEventSelectorsCommandInput) => {
    if (input.TrailName === ORG_AUDIT) return awsResponse("cloudtrail/get-event-selectors-advanced-split.json");
    if (input.TrailName === DATA_EVENTS) return awsResponse("cloudtrail/get-event-selectors-classic-write-only.json");
    return unexpected("GetEventSelectors", input);
  });
}

/** For tests of other parts' waits: Access Advisor's polls would sleep on the same clock. */
const WITHOUT_ACCESS_ADVISOR = { accessAdvisor: { maxJobsPerRun: 0 } };

/** Runs the reader with a recorded, instant sleep and a clock that only the sleeps move. */
async function read(options: { maxReportWaitMs?: number; accessAdvisor?: { maxJobsPerRun?: number; maxWaitMs?: number } } = {}) {
  const sleeps: number[] = [];
  let clock = 0;
  const result = await readAccountSnapshot({
    iam: new IAMClient({ region: "us-east-1" }),
    cloudTrail: new CloudTrailClient({ region: "us-east-1" }),
    account: ACCOUNT,
    region: "us-east-1",
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    ...options,
  });
  return { ...result, sleeps };
}

describe("Function: readAccountSnapshot", () => {
  beforeEach(() => mockAccount());
  afterEach(() => {
    iam.reset();
    cloudTrail.reset();
  });

  it("reads every part of the account into the snapshot the checks take", async () => {
    const { snapshot, calls, problems, sleeps } = await read();

    expect(problems).toEqual([]);
    // Each Access Advisor job gets a second before its first poll.
    expect(sleeps).toEqual([1000, 1000, 1000, 1000]);
    expect(snapshot).toEqual({
      account: ACCOUNT,
      region: "us-east-1",
      credentialReportCsv: CREDENTIAL_REPORT_CSV,
      credentialReportGeneratedAt: "2026-11-20T08:40:02.000Z",
      passwordPolicy: {
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: false,
        PasswordReusePrevention: 24,
        HardExpiry: false,
      },
      accountSummary: expect.objectContaining({ Users: 3, AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, ServerCertificates: 2 }),
      customerPolicies: [
        { arn: "arn:aws:iam::111122223333:policy/billing-export", name: "billing-export", defaultVersionId: "v3", attachmentCount: 2, document: DOCUMENTS["arn:aws:iam::111122223333:policy/billing-export"] },
        { arn: "arn:aws:iam::111122223333:policy/teams/ops-admin", name: "ops-admin", defaultVersionId: "v1", attachmentCount: 1, document: DOCUMENTS["arn:aws:iam::111122223333:policy/teams/ops-admin"] },
        { arn: "arn:aws:iam::111122223333:policy/ci-deploy", name: "ci-deploy", defaultVersionId: "v2", attachmentCount: 1, document: DOCUMENTS["arn:aws:iam::111122223333:policy/ci-deploy"] },
      ],
      userPolicyAttachments: [
        { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", userName: "ana", userArn: "arn:aws:iam::111122223333:user/ana" },
        { policyArn: "arn:aws:iam::111122223333:policy/ci-deploy", userName: "ci-deployer", userArn: "arn:aws:iam::111122223333:user/automation/ci-deployer" },
      ],
      supportRoles: ["aws-support"],
      serverCertificates: [
        { name: "legacy-www", arn: "arn:aws:iam::111122223333:server-certificate/cloudfront/legacy-www", expiration: "2025-04-11T23:59:59.000Z" },
        { name: "api-2026", arn: "arn:aws:iam::111122223333:server-certificate/api-2026", expiration: "2027-01-05T23:59:59.000Z" },
      ],
      trails: [
        { name: "org-audit", arn: ORG_AUDIT, homeRegion: "us-east-1", isMultiRegionTrail: true, isLogging: true, logFileValidationEnabled: true, includesManagementEvents: true },
        { name: "data-events", arn: DATA_EVENTS, homeRegion: "eu-west-1", isMultiRegionTrail: false, isLogging: false, logFileValidationEnabled: false, includesManagementEvents: false },
      ],
      authorizationDetails: {
        UserDetailList: [expect.objectContaining({ UserName: "ana" }), expect.objectContaining({ UserName: "ci-deployer" }), expect.objectContaining({ UserName: "backup-agent" }), expect.objectContaining({ UserName: "idle" })],
        GroupDetailList: [expect.objectContaining({ GroupName: "backup" })],
        RoleDetailList: [
          expect.objectContaining({ RoleName: "aws-support", RoleLastUsed: { LastUsedDate: "2026-11-02T14:21:07.000Z", Region: "us-east-1" } }),
          expect.objectContaining({ RoleName: "report-builder" }),
          expect.objectContaining({ RoleName: "AWSServiceRoleForSupport" }),
        ],
        Policies: [expect.objectContaining({ PolicyName: "AdministratorAccess" }), expect.objectContaining({ PolicyName: "AWSSupportAccess" }), expect.objectContaining({ PolicyName: "ci-deploy" })],
      },
      serviceLastAccessed: CANDIDATES.map((arn) => ({
        arn,
        jobCompletedAt: "2026-11-20T08:41:07.241Z",
        services: [
          expect.objectContaining({ ServiceNamespace: "s3", LastAuthenticated: "2026-11-18T22:04:00.000Z", LastAuthenticatedEntity: arn }),
          expect.objectContaining({ ServiceNamespace: "iam", TotalAuthenticatedEntities: 0 }),
        ],
      })),
    });
    expect(calls).toEqual({
      "iam:GenerateCredentialReport": 1,
      "iam:GetCredentialReport": 1,
      "iam:GetAccountPasswordPolicy": 1,
      "iam:GetAccountSummary": 1,
      "iam:ListPolicies": 3,
      "iam:GetPolicyVersion": 3,
      "iam:ListEntitiesForPolicy": 4,
      "iam:ListServerCertificates": 1,
      "iam:GetAccountAuthorizationDetails": 1,
      "iam:GenerateServiceLastAccessedDetails": 4,
      "iam:GetServiceLastAccessedDetails": 4,
      "cloudtrail:DescribeTrails": 1,
      "cloudtrail:GetTrailStatus": 2,
      "cloudtrail:GetEventSelectors": 2,
    });
  });

  it("asks IAM for what the checks need: attached policies only, permissions (not boundaries) for users, shadow trails, each default version", async () => {
    await read();

    const listPolicies = iam.commandCalls(ListPoliciesCommand).map((call) => call.args[0].input);
    expect(listPolicies).toEqual(
      expect.arrayContaining([
        { Scope: "Local", OnlyAttached: true, MaxItems: 1000 },
        { Scope: "Local", OnlyAttached: true, MaxItems: 1000, Marker: "AAIrqvEyfq6bH7UNEEgLp1c2l8mUjbqD8cvEXAMPLEmarker1" },
        { Scope: "All", OnlyAttached: true, PolicyUsageFilter: "PermissionsPolicy", MaxItems: 1000 },
      ]),
    );
    expect(listPolicies).toHaveLength(3);
    expect(iam.commandCalls(GetPolicyVersionCommand).map((call) => call.args[0].input)).toEqual([
      { PolicyArn: "arn:aws:iam::111122223333:policy/billing-export", VersionId: "v3" },
      { PolicyArn: "arn:aws:iam::111122223333:policy/teams/ops-admin", VersionId: "v1" },
      { PolicyArn: "arn:aws:iam::111122223333:policy/ci-deploy", VersionId: "v2" },
    ]);
    expect(iam.commandCalls(ListEntitiesForPolicyCommand).map((call) => call.args[0].input)).toEqual(
      expect.arrayContaining([
        { PolicyArn: "arn:aws:iam::aws:policy/AWSSupportAccess", EntityFilter: "Role", PolicyUsageFilter: "PermissionsPolicy", MaxItems: 1000 },
        { PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess", EntityFilter: "User", PolicyUsageFilter: "PermissionsPolicy", MaxItems: 1000 },
      ]),
    );
    expect(cloudTrail.commandCalls(DescribeTrailsCommand)[0]?.args[0].input).toEqual({ includeShadowTrails: true });
    expect(cloudTrail.commandCalls(GetTrailStatusCommand).map((call) => call.args[0].input)).toEqual([{ Name: ORG_AUDIT }, { Name: DATA_EVENTS }]);
  });

  it("follows IsTruncated and Marker through every page of a policy's users", async () => {
    iam.on(ListEntitiesForPolicyCommand, { PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess", EntityFilter: "User" }).callsFake((input: ListEntitiesForPolicyCommandInput) => {
      if (!input.Marker) return { PolicyGroups: [], PolicyRoles: [], PolicyUsers: [{ UserName: "ana", UserId: "AIDA6ON6E4XEANA000001" }], IsTruncated: true, Marker: "page-2" };
      if (input.Marker === "page-2") return { PolicyGroups: [], PolicyRoles: [], PolicyUsers: [{ UserName: "backup-agent", UserId: "AIDA6ON6E4XEBACKUP001" }], IsTruncated: true, Marker: "page-3" };
      // Created after the report was generated: IAM names the user, the report has no ARN for it yet.
      return { PolicyGroups: [], PolicyRoles: [], PolicyUsers: [{ UserName: "break-glass", UserId: "AIDA6ON6E4XEBREAKGL01" }], IsTruncated: false };
    });

    const { snapshot, calls } = await read();

    expect(snapshot.userPolicyAttachments).toEqual([
      { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", userName: "ana", userArn: "arn:aws:iam::111122223333:user/ana" },
      { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", userName: "backup-agent", userArn: "arn:aws:iam::111122223333:user/backup-agent" },
      { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", userName: "break-glass" },
      { policyArn: "arn:aws:iam::111122223333:policy/ci-deploy", userName: "ci-deployer", userArn: "arn:aws:iam::111122223333:user/automation/ci-deployer" },
    ]);
    const markers = iam
      .commandCalls(ListEntitiesForPolicyCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.PolicyArn === "arn:aws:iam::aws:policy/AdministratorAccess")
      .map((input) => input.Marker);
    expect(markers).toEqual([undefined, "page-2", "page-3"]);
    expect(calls["iam:ListEntitiesForPolicy"]).toBe(6);
  });

  it("polls GenerateCredentialReport until COMPLETE and waits while GetCredentialReport says ReportInProgress", async () => {
    iam
      .on(GenerateCredentialReportCommand)
      .resolvesOnce(awsResponse("iam/generate-credential-report-started.json"))
      .resolvesOnce({ State: "INPROGRESS" })
      .resolvesOnce(awsResponse("iam/generate-credential-report-complete.json"))
      .resolves(awsResponse("iam/generate-credential-report-complete.json"));
    iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportNotReadyException({ message: "Report is in progress", ...metadata(404) }))
      .resolves(credentialReportResponse(CREDENTIAL_REPORT_CSV));

    const { snapshot, calls, problems, sleeps } = await read(WITHOUT_ACCESS_ADVISOR);

    expect(problems).toEqual([]);
    expect(snapshot.credentialReportCsv).toBe(CREDENTIAL_REPORT_CSV);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(calls["iam:GenerateCredentialReport"]).toBe(4);
    expect(calls["iam:GetCredentialReport"]).toBe(2);
  });

  it("reads the existing report when IAM will not generate another yet (LimitExceeded)", async () => {
    iam.on(GenerateCredentialReportCommand).rejects(new LimitExceededException({ message: "Report generation limit exceeded. Please wait before retrying.", ...metadata(409) }));
    iam.on(GetCredentialReportCommand).resolves(credentialReportResponse(CREDENTIAL_REPORT_CSV, new Date("2026-11-20T06:12:45Z")));

    const { snapshot, calls, problems, sleeps } = await read(WITHOUT_ACCESS_ADVISOR);

    expect(problems).toEqual([]);
    expect(snapshot.credentialReportCsv).toBe(CREDENTIAL_REPORT_CSV);
    expect(snapshot.credentialReportGeneratedAt).toBe("2026-11-20T06:12:45.000Z");
    expect(sleeps).toEqual([]);
    expect(calls["iam:GenerateCredentialReport"]).toBe(1);
    expect(calls["iam:GetCredentialReport"]).toBe(1);
  });

  it("generates the report again when GetCredentialReport finds it expired", async () => {
    iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportExpiredException({ message: "Credential report has expired", ...metadata(410) }))
      .resolves(credentialReportResponse(CREDENTIAL_REPORT_CSV));

    const { snapshot, calls } = await read();

    expect(snapshot.credentialReportCsv).toBe(CREDENTIAL_REPORT_CSV);
    expect(calls["iam:GenerateCredentialReport"]).toBe(2);
    expect(calls["iam:GetCredentialReport"]).toBe(2);
  });

  it("gives up on a report that is not ready within maxReportWaitMs, keeping every other part", async () => {
    iam.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });

    const { snapshot, problems, sleeps } = await read({ maxReportWaitMs: 5_000, ...WITHOUT_ACCESS_ADVISOR });

    expect(sleeps).toEqual([1000, 2000, 2000]);
    expect(problems).toEqual([
      {
        part: "credentialReport",
        operation: "iam:GenerateCredentialReport",
        error: "iam:GenerateCredentialReport: the credential report is not ready after 5000 ms (State INPROGRESS)",
      },
    ]);
    expect(snapshot).not.toHaveProperty("credentialReportCsv");
    expect(snapshot).not.toHaveProperty("credentialReportGeneratedAt");
    expect(snapshot.trails).toHaveLength(2);
    expect(snapshot.customerPolicies).toHaveLength(3);
    // Without the report, attachments still come, only without ARNs.
    expect(snapshot.userPolicyAttachments?.map((attachment) => attachment.userArn)).toEqual([undefined, undefined]);
  });

  it("reads an account without a password policy (NoSuchEntity) as null, which is not a problem", async () => {
    iam.on(GetAccountPasswordPolicyCommand).rejects(
      new NoSuchEntityException({ message: "The Password Policy with domain name 111122223333 cannot be found.", ...metadata(404) }),
    );

    const { snapshot, problems } = await read();

    expect(snapshot.passwordPolicy).toBeNull();
    expect(problems).toEqual([]);
  });

  it("retries a throttled IAM or CloudTrail call with growing waits and carries on", async () => {
    const throttled = new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", ...metadata(400) });
    iam.on(GetAccountSummaryCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves(awsResponse("iam/get-account-summary.json"));
    cloudTrail
      .on(DescribeTrailsCommand)
      .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", ...metadata(400) }))
      .resolves(awsResponse("cloudtrail/describe-trails.json"));

    const { snapshot, calls, problems, sleeps } = await read(WITHOUT_ACCESS_ADVISOR);

    expect(problems).toEqual([]);
    expect(snapshot.accountSummary?.Users).toBe(3);
    expect(snapshot.trails).toHaveLength(2);
    expect(calls["iam:GetAccountSummary"]).toBe(3);
    expect(calls["cloudtrail:DescribeTrails"]).toBe(2);
    expect(sleeps.toSorted((a, b) => a - b)).toEqual([1000, 1000, 2000]);
  });

  it("stops retrying a call that stays throttled and reports that part alone", async () => {
    iam.on(ListServerCertificatesCommand).rejects(new IAMServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", ...metadata(400) }));

    const { snapshot, calls, problems, sleeps } = await read(WITHOUT_ACCESS_ADVISOR);

    expect(calls["iam:ListServerCertificates"]).toBe(THROTTLE_RETRIES + 1);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(problems).toEqual([
      { part: "serverCertificates", operation: "iam:ListServerCertificates", code: "Throttling", error: "iam:ListServerCertificates: Throttling: Rate exceeded" },
    ]);
    expect(snapshot).not.toHaveProperty("serverCertificates");
    expect(snapshot.passwordPolicy).not.toBeUndefined();
  });

  it("leaves out a part it may not read and lists the problem, while the rest of the snapshot comes back", async () => {
    const denied =
      "User: arn:aws:sts::111122223333:assumed-role/vigil-posture/scheduled is not authorized to perform: iam:ListPolicies on resource: policy path / because no identity-based policy allows the iam:ListPolicies action";
    iam.on(ListPoliciesCommand, { Scope: "Local" }).rejects(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: denied, ...metadata(403) }));
    cloudTrail
      .on(GetEventSelectorsCommand, { TrailName: DATA_EVENTS })
      .rejects(new TrailNotFoundException({ message: "Unknown trail: data-events", ...metadata(400) }));

    const { snapshot, problems } = await read();

    expect(problems).toEqual([
      { part: "customerPolicies", operation: "iam:ListPolicies", code: "AccessDenied", error: `iam:ListPolicies: AccessDenied: ${denied}` },
      { part: "trails", operation: "cloudtrail:GetEventSelectors", code: "TrailNotFoundException", error: "cloudtrail:GetEventSelectors: TrailNotFoundException: Unknown trail: data-events" },
    ]);
    expect(snapshot).not.toHaveProperty("customerPolicies");
    expect(snapshot).not.toHaveProperty("trails");
    expect(Object.keys(snapshot).sort()).toEqual(
      [
        "account",
        "region",
        "credentialReportCsv",
        "credentialReportGeneratedAt",
        "passwordPolicy",
        "accountSummary",
        "userPolicyAttachments",
        "supportRoles",
        "serverCertificates",
        "authorizationDetails",
        "serviceLastAccessed",
      ].sort(),
    );
  });

  it("leaves out a customer policy deleted between listing it and reading its version", async () => {
    iam.on(GetPolicyVersionCommand, { PolicyArn: "arn:aws:iam::111122223333:policy/teams/ops-admin" }).rejects(
      new NoSuchEntityException({ message: "Policy arn:aws:iam::111122223333:policy/teams/ops-admin version v1 does not exist or is not attachable.", ...metadata(404) }),
    );

    const { snapshot, problems } = await read();

    expect(problems).toEqual([]);
    expect(snapshot.customerPolicies?.map((policy) => policy.name)).toEqual(["billing-export", "ci-deploy"]);
  });

  it("counts management events only when a trail's selectors take both reads and writes", async () => {
    cloudTrail.on(GetEventSelectorsCommand, { TrailName: ORG_AUDIT }).resolves(awsResponse("cloudtrail/get-event-selectors-advanced-data-only.json"));
    cloudTrail.on(GetEventSelectorsCommand, { TrailName: DATA_EVENTS }).resolves(awsResponse("cloudtrail/get-event-selectors-classic-all.json"));

    const { snapshot } = await read();

    expect(snapshot.trails?.map((trail) => [trail.name, trail.includesManagementEvents])).toEqual([
      ["org-audit", false],
      ["data-events", true],
    ]);
  });

  // Only the authorization details grow with the account (a page per 1,000 entries, see
  // readAuthorizationDetails.test.ts), and Access Advisor up to its cap; the fixture's stay the same.
  it("makes the same calls for a credential report of 10 users as of 10,000", async () => {
    const counts = [];
    for (const users of [10, 10_000]) {
      iam.reset();
      cloudTrail.reset();
      const csv = generatedCredentialReport(users);
      mockAccount(csv);
      const { snapshot, calls, problems } = await read();
      expect(problems).toEqual([]);
      expect(snapshot.credentialReportCsv?.trimEnd().split("\n")).toHaveLength(users + 2);
      counts.push(calls);
    }
    expect(counts[1]).toEqual(counts[0]);
    expect(Object.values(counts[0] ?? {}).reduce((sum, count) => sum + count, 0)).toBe(20 + 1 + 2 * CANDIDATES.length);
  });

  it("asks Access Advisor about the users and roles holding a policy, not service-linked roles nor principals without policies", async () => {
    const { snapshot } = await read();

    const generated = iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).map((call) => call.args[0].input);
    expect(generated.map((input) => input.Arn).sort()).toEqual(CANDIDATES);
    expect(generated.every((input) => input.Granularity === "ACTION_LEVEL")).toBe(true);
    // backup-agent holds its group's inline policy; idle, report-builder and the service-linked role are not asked about.
    const asked = generated.map((input) => input.Arn);
    expect(asked).not.toContain("arn:aws:iam::111122223333:user/idle");
    expect(asked).not.toContain("arn:aws:iam::111122223333:role/report-builder");
    expect(asked).not.toContain("arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport");
    expect(snapshot.authorizationDetails?.RoleDetailList.map((role) => role.RoleName)).toContain("AWSServiceRoleForSupport");
    expect(iam.commandCalls(GetServiceLastAccessedDetailsCommand).map((call) => call.args[0].input)).toEqual(
      expect.arrayContaining(CANDIDATES.map((arn) => ({ JobId: jobOf(arn), MaxItems: 1000 }))),
    );
  });

  it("takes at most accessAdvisor.maxJobsPerRun principals, the day's slice of them", async () => {
    const day = 86_400_000;
    const generatedOn = async (days: number) => {
      iam.resetHistory();
      let clock = days * day;
      await readAccountSnapshot({
        iam: new IAMClient({ region: "us-east-1" }),
        cloudTrail: new CloudTrailClient({ region: "us-east-1" }),
        account: ACCOUNT,
        region: "us-east-1",
        sleep: async (ms) => {
          clock += ms;
        },
        now: () => clock,
        accessAdvisor: { maxJobsPerRun: 3 },
      });
      return iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).map((call) => call.args[0].input.Arn);
    };

    expect(await generatedOn(20_000)).toEqual(CANDIDATES.slice(0, 3));
    // (20,001 × 3) % 4 = 3: the fourth, then around to the first two.
    expect(await generatedOn(20_001)).toEqual([CANDIDATES[3], CANDIDATES[0], CANDIDATES[1]]);
  });

  it("makes no Access Advisor call and leaves the part out when maxJobsPerRun is 0", async () => {
    const { snapshot, calls, problems } = await read(WITHOUT_ACCESS_ADVISOR);

    expect(problems).toEqual([]);
    expect(snapshot).not.toHaveProperty("serviceLastAccessed");
    expect(snapshot.authorizationDetails?.UserDetailList).toHaveLength(4);
    expect(calls).not.toHaveProperty("iam:GenerateServiceLastAccessedDetails");
    expect(calls).not.toHaveProperty("iam:GetServiceLastAccessedDetails");
  });

  it("keeps what Access Advisor read and lists each principal it could not read as a problem naming the call", async () => {
    iam.on(GetServiceLastAccessedDetailsCommand, { JobId: jobOf("arn:aws:iam::111122223333:user/ana") }).resolves({
      ...awsResponse("iam/get-service-last-accessed-details-in-progress.json"),
      JobStatus: "FAILED",
      JobCompletionDate: new Date("2026-11-20T08:41:09Z"),
      Error: { Code: "InternalFailure", Message: "The report could not be generated." },
    });
    iam.on(GetServiceLastAccessedDetailsCommand, { JobId: jobOf("arn:aws:iam::111122223333:user/backup-agent") }).resolves(
      awsResponse("iam/get-service-last-accessed-details-in-progress.json"),
    );

    const { snapshot, problems } = await read({ accessAdvisor: { maxWaitMs: 30_000 } });

    expect(snapshot.serviceLastAccessed?.map((access) => access.arn)).toEqual([CANDIDATES[0], CANDIDATES[2]]);
    expect(problems).toEqual([
      {
        part: "serviceLastAccessed",
        operation: "iam:GetServiceLastAccessedDetails",
        code: "InternalFailure",
        error: `arn:aws:iam::111122223333:user/ana: iam:GetServiceLastAccessedDetails: job ${jobOf("arn:aws:iam::111122223333:user/ana")} FAILED: InternalFailure: The report could not be generated.`,
      },
      {
        part: "serviceLastAccessed",
        operation: "iam:GetServiceLastAccessedDetails",
        error: expect.stringMatching(/^arn:aws:iam::111122223333:user\/backup-agent: .*still IN_PROGRESS.*it will be read on a later run$/),
      },
    ]);
  });

  it("leaves Access Advisor out, saying why, when the authorization details cannot be read", async () => {
    const denied = "User: arn:aws:sts::111122223333:assumed-role/vigil-posture/scheduled is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *";
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: denied, ...metadata(403) }));

    const { snapshot, calls, problems } = await read();

    expect(problems).toEqual([
      { part: "authorizationDetails", operation: "iam:GetAccountAuthorizationDetails", code: "AccessDenied", error: `iam:GetAccountAuthorizationDetails: AccessDenied: ${denied}` },
      {
        part: "serviceLastAccessed",
        operation: "iam:GetAccountAuthorizationDetails",
        code: "AccessDenied",
        error: `needs the authorization details, which could not be read (iam:GetAccountAuthorizationDetails: AccessDenied: ${denied})`,
      },
    ]);
    expect(snapshot).not.toHaveProperty("authorizationDetails");
    expect(snapshot).not.toHaveProperty("serviceLastAccessed");
    expect(calls).not.toHaveProperty("iam:GenerateServiceLastAccessedDetails");
    expect(snapshot.trails).toHaveLength(2);
  });

  it("refuses a malformed account or region before calling AWS", async () => {
    const options = { iam: new IAMClient({ region: "us-east-1" }), cloudTrail: new CloudTrailClient({ region: "us-east-1" }) };
    await expect(readAccountSnapshot({ ...options, account: "1111-2222-3333", region: "us-east-1" })).rejects.toThrow(InvalidInputError);
    await expect(readAccountSnapshot({ ...options, account: ACCOUNT, region: "US East" })).rejects.toThrow("region: must be an AWS region");
    await expect(readAccountSnapshot({ ...options, account: ACCOUNT, region: "us-east-1", accessAdvisor: { maxJobsPerRun: -1 } })).rejects.toThrow("accessAdvisor.maxJobsPerRun");
    expect(iam.calls()).toHaveLength(0);
  });
});
