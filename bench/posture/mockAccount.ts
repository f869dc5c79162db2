import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import {
  GenerateCredentialReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  type GenerateServiceLastAccessedDetailsCommandInput,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandInput,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyVersionCommand,
  type GetPolicyVersionCommandInput,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandInput,
  IAMClient,
  ListEntitiesForPolicyCommand,
  type ListEntitiesForPolicyCommandInput,
  ListPoliciesCommand,
  type ListPoliciesCommandInput,
  ListServerCertificatesCommand,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { ACCOUNT, REPORT_TIME } from "./credentialReport.ts";

const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-audit`;

/** Customer policies attached to something, with their default version (IAM answers it URL-encoded). */
const CUSTOMER_POLICIES = [
  { PolicyName: "ops-admin", Arn: `arn:aws:iam::${ACCOUNT}:policy/ops-admin`, DefaultVersionId: "v2", AttachmentCount: 1, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
  { PolicyName: "ci-deploy", Arn: `arn:aws:iam::${ACCOUNT}:policy/ci-deploy`, DefaultVersionId: "v4", AttachmentCount: 2, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "cloudformation:*"], Resource: "*" }] } },
  { PolicyName: "read-billing", Arn: `arn:aws:iam::${ACCOUNT}:policy/read-billing`, DefaultVersionId: "v1", AttachmentCount: 3, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] } },
];
const AWS_POLICIES = [
  { PolicyName: "AdministratorAccess", Arn: "arn:aws:iam::aws:policy/AdministratorAccess", DefaultVersionId: "v1", AttachmentCount: 2, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
  { PolicyName: "AWSSupportAccess", Arn: "arn:aws:iam::aws:policy/AWSSupportAccess", DefaultVersionId: "v1", AttachmentCount: 1, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["support:*"], Resource: "*" }] } },
];

/** GetAccountAuthorizationDetails' page size: MaxItems counts the entries of the four lists together. */
const DETAILS_PAGE = 1000;
const DAY = 86_400_000;
const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));

/**
 * The account's authorization details around the report's users, in IAM's order (users, groups,
 * roles, managed policies): people in the group `people` (read-billing), service users under
 * /automation/ in `automation` (ci-deploy), the report's first two users with their direct
 * attachments; the role aws-support (AWSSupportAccess) and a service-linked role.
 */
function authorizationEntries(userLines: string[], first: string | undefined, second: string | undefined): { list: "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies"; item: object }[] {
  const created = new Date(REPORT_TIME.getTime() - 400 * DAY);
  const users = userLines.map((line, index) => {
    const [name = "", arn = ""] = line.split(",", 2);
    const automation = arn.includes(":user/automation/");
    const direct = name === first ? [AWS_POLICIES[0]] : name === second ? [CUSTOMER_POLICIES[1]] : [];
    return {
      list: "UserDetailList" as const,
      item: {
        Path: automation ? "/automation/" : "/",
        UserName: name,
        UserId: `AIDA6ON6E4XE${String(index).padStart(9, "0")}`,
        Arn: arn,
        CreateDate: created,
        UserPolicyList: [],
        GroupList: [automation ? "automation" : "people"],
        AttachedManagedPolicies: direct.map((policy) => ({ PolicyName: policy?.PolicyName, PolicyArn: policy?.Arn })),
        Tags: [],
      },
    };
  });
  const group = (name: string, policy: (typeof CUSTOMER_POLICIES)[number] | undefined) => ({
    list: "GroupDetailList" as const,
    item: { Path: "/", GroupName: name, GroupId: `AGPA6ON6E4XE${name.toUpperCase().padEnd(9, "0").slice(0, 9)}`, Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, CreateDate: created, GroupPolicyList: [], AttachedManagedPolicies: [{ PolicyName: policy?.PolicyName, PolicyArn: policy?.Arn }] },
  });
  const trust = (principal: object) => encode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
  const roles = [
    {
      Path: "/",
      RoleName: "aws-support",
      RoleId: "AROA6ON6E4XESUPPORT01",
      Arn: `arn:aws:iam::${ACCOUNT}:role/aws-support`,
      CreateDate: created,
      AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: "AWSSupportAccess", PolicyArn: AWS_POLICIES[1]?.Arn }],
      RoleLastUsed: { LastUsedDate: new Date(REPORT_TIME.getTime() - 3 * DAY), Region: "us-east-1" },
    },
    {
      Path: "/aws-service-role/support.amazonaws.com/",
      RoleName: "AWSServiceRoleForSupport",
      RoleId: "AROA6ON6E4XESLRSUPP01",
      Arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
      CreateDate: created,
      AssumeRolePolicyDocument: trust({ Service: "support.amazonaws.com" }),
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: "AWSSupportServiceRolePolicy", PolicyArn: "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy" }],
      RoleLastUsed: {},
    },
  ].map((item) => ({ list: "RoleDetailList" as const, item }));
  const policies = [...AWS_POLICIES, ...CUSTOMER_POLICIES].map(({ PolicyName, Arn, DefaultVersionId, AttachmentCount, document }) => ({
    list: "Policies" as const,
    item: { PolicyName, Arn, Path: "/", DefaultVersionId, AttachmentCount, IsAttachable: true, CreateDate: created, UpdateDate: created, PolicyVersionList: [{ Document: encode(document), VersionId: DefaultVersionId, IsDefaultVersion: true, CreateDate: created }] },
  }));
  return [...users, group("automation", CUSTOMER_POLICIES[1]), group("people", CUSTOMER_POLICIES[2]), ...roles, ...policies];
}

/**
 * Answers the read-only calls readAccountSnapshot makes for one account, shaped as the API reference
 * shows, around a given credential report. Everything but the report's users is the same whatever
 * their number (the same policies, two users with a policy attached directly), so any difference in
 * calls between two reports is the users' doing: the authorization details list every user (a page
 * per 1,000 entries), each in a group with a policy, so each is also an Access Advisor candidate.
 * Returns a function that removes the mocks.
 */
export function mockAccount(csv: string): { iam: IAMClient; cloudTrail: CloudTrailClient; restore: () => void } {
  const iam = mockClient(IAMClient);
  const cloudTrail = mockClient(CloudTrailClient);
  const [first, second] = csv.split("\n").slice(2, 4).map((line) => line.split(",", 1)[0] as string);
  const users = csv.split("\n").length - 3;
  const entries = authorizationEntries(csv.split("\n").slice(2).filter((line) => line.length > 0), first, second);

  iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
  iam.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(csv), ReportFormat: "text/csv", GeneratedTime: REPORT_TIME });
  iam.on(GetAccountPasswordPolicyCommand).resolves({
    PasswordPolicy: { MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: false, PasswordReusePrevention: 24 },
  });
  iam.on(GetAccountSummaryCommand).resolves({ SummaryMap: { Users: users, UsersQuota: 5000, AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Policies: CUSTOMER_POLICIES.length, ServerCertificates: 1 } });
  iam.on(ListPoliciesCommand).callsFake((input: ListPoliciesCommandInput) => {
    const policies = input.Scope === "Local" ? CUSTOMER_POLICIES : [...AWS_POLICIES, ...CUSTOMER_POLICIES];
    return { Policies: policies.map(({ PolicyName, Arn, DefaultVersionId, AttachmentCount }) => ({ PolicyName, Arn, DefaultVersionId, AttachmentCount, Path: "/", IsAttachable: true })), IsTruncated: false };
  });
  iam.on(GetPolicyVersionCommand).callsFake((input: GetPolicyVersionCommandInput) => {
    const policy = CUSTOMER_POLICIES.find((candidate) => candidate.Arn === input.PolicyArn);
    return { PolicyVersion: { Document: encodeURIComponent(JSON.stringify(policy?.document)), VersionId: input.VersionId, IsDefaultVersion: true, CreateDate: new Date("2026-01-05T09:00:00Z") } };
  });
  iam.on(ListEntitiesForPolicyCommand).callsFake((input: ListEntitiesForPolicyCommandInput) => {
    const direct = input.EntityFilter === "User" && input.PolicyArn === AWS_POLICIES[0]?.Arn ? [first] : input.EntityFilter === "User" && input.PolicyArn === CUSTOMER_POLICIES[1]?.Arn ? [second] : [];
    const roles = input.EntityFilter === "Role" && input.PolicyArn === AWS_POLICIES[1]?.Arn ? [{ RoleName: "aws-support", RoleId: "AROA6ON6E4XESUPPORT01" }] : [];
    return { PolicyGroups: [], PolicyUsers: direct.map((UserName, index) => ({ UserName, UserId: `AIDA6ON6E4XEDIRECT0${index}` })), PolicyRoles: roles, IsTruncated: false };
  });
  iam.on(ListServerCertificatesCommand).resolves({
    ServerCertificateMetadataList: [{ Path: "/", ServerCertificateName: "api", ServerCertificateId: "ASCA6ON6E4XEAPI00001", Arn: `arn:aws:iam::${ACCOUNT}:server-certificate/api`, UploadDate: new Date("2026-01-05T09:00:00Z"), Expiration: new Date("2027-01-05T23:59:59Z") }],
    IsTruncated: false,
  });
  // A page per 1,000 entries of the four lists together; the Marker is the next entry's offset.
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: GetAccountAuthorizationDetailsCommandInput) => {
    const start = input.Marker ? Number(input.Marker) : 0;
    const end = Math.min(start + Math.min(input.MaxItems ?? 100, DETAILS_PAGE), entries.length);
    const page: Record<string, object[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    for (const { list, item } of entries.slice(start, end)) page[list]?.push(item);
    return { ...page, IsTruncated: end < entries.length, ...(end < entries.length ? { Marker: String(end) } : {}) };
  });
  // Access Advisor: each job is COMPLETED by its first poll, with one service used and one not.
  iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake((input: GenerateServiceLastAccessedDetailsCommandInput) => ({ JobId: `job-${input.Arn?.replace(/^.*:/, "")}` }));
  iam.on(GetServiceLastAccessedDetailsCommand).callsFake((input: GetServiceLastAccessedDetailsCommandInput) => ({
    JobStatus: "COMPLETED",
    JobType: "ACTION_LEVEL",
    JobCreationDate: new Date(REPORT_TIME.getTime() + 60_000),
    JobCompletionDate: new Date(REPORT_TIME.getTime() + 64_000),
    ServicesLastAccessed: [
      {
        ServiceName: "Amazon S3",
        ServiceNamespace: "s3",
        LastAuthenticated: new Date(REPORT_TIME.getTime() - 2 * DAY),
        LastAuthenticatedEntity: `arn:aws:iam::${ACCOUNT}:${input.JobId?.replace(/^job-/, "")}`,
        LastAuthenticatedRegion: "us-east-1",
        TotalAuthenticatedEntities: 1,
        TrackedActionsLastAccessed: [{ ActionName: "PutObject", LastAccessedTime: new Date(REPORT_TIME.getTime() - 2 * DAY), LastAccessedRegion: "us-east-1" }, { ActionName: "DeleteObject" }],
      },
      { ServiceName: "AWS CloudFormation", ServiceNamespace: "cloudformation", TotalAuthenticatedEntities: 0 },
    ],
    IsTruncated: false,
  }));
  cloudTrail.on(DescribeTrailsCommand).resolves({
    trailList: [{ Name: "org-audit", TrailARN: TRAIL, HomeRegion: "us-east-1", IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, S3BucketName: `org-audit-${ACCOUNT}` }],
  });
  cloudTrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudTrail.on(GetEventSelectorsCommand).resolves({ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] }] });

  return {
    iam: new IAMClient({ region: "us-east-1" }),
    cloudTrail: new CloudTrailClient({ region: "us-east-1" }),
    restore: () => {
      iam.restore();
      cloudTrail.restore();
    },
  };
}
