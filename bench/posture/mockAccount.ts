import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetPolicyVersionCommand,
  type GetPolicyVersionCommandInput,
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
  { PolicyName: "AdministratorAccess", Arn: "arn:aws:iam::aws:policy/AdministratorAccess", DefaultVersionId: "v1", AttachmentCount: 2 },
  { PolicyName: "AWSSupportAccess", Arn: "arn:aws:iam::aws:policy/AWSSupportAccess", DefaultVersionId: "v1", AttachmentCount: 1 },
];

/**
 * Answers the read-only calls readAccountSnapshot makes for one account, shaped as the API reference
 * shows, around a given credential report. Everything but the report is the same whatever the
 * number of users (the same policies, two users with a policy attached directly), so any difference
 * in calls between two reports is the users' doing. Returns a function that removes the mocks.
 */
export function mockAccount(csv: string): { iam: IAMClient; cloudTrail: CloudTrailClient; restore: () => void } {
  const iam = mockClient(IAMClient);
  const cloudTrail = mockClient(CloudTrailClient);
  const [first, second] = csv.split("\n").slice(2, 4).map((line) => line.split(",", 1)[0] as string);
  const users = csv.split("\n").length - 3;

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
