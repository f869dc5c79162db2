import { CloudTrailClient, CloudTrailServiceException, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import {
  GenerateCredentialReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  type GenerateServiceLastAccessedDetailsCommandInput,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandInput,
  IAMClient,
  IAMServiceException,
  ListEntitiesForPolicyCommand,
  type ListEntitiesForPolicyCommandInput,
  ListPoliciesCommand,
  type ListPoliciesCommandInput,
  ListServerCertificatesCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, type AssumeRoleCommandInput, RegionDisabledException, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { CREDENTIAL_REPORT_COLUMNS } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";

/**
 * The accounts of a simulated organization as the audit role sees them: STS AssumeRole, then the
 * read-only IAM and CloudTrail calls of readAccountSnapshot, answered per account with the shapes of
 * the API references. aws-sdk-client-mock stubs every client of a class, so the account a call is
 * for is told by the credentials of the client that sends it: AssumeRole hands out access key ids
 * `ASIA<account>AUDT`, and any other key id is the home account's own.
 */

export type AccountTrouble =
  /** AssumeRole answers AccessDenied: no role, or a trust policy that does not name Vigil. */
  | "role-missing"
  /** AssumeRole answers RegionDisabledException. */
  | "region-disabled"
  /** Every IAM and CloudTrail call is throttled, past any retry. */
  | "throttled"
  /** AssumeRole is throttled, past any retry. */
  | "sts-throttled"
  /** The role is assumed, every read refused. */
  | "reads-denied";

export interface SimulatedAccountState {
  trouble?: AccountTrouble;
  /** Root has MFA (root-mfa-disabled, CRITICAL, when not). */
  rootMfa?: boolean;
  /** A password policy of 8 characters (password-policy-weak, MEDIUM) instead of 14. */
  weakPasswordPolicy?: boolean;
  /** IAM users besides root; 1 when absent. None of them is a finding. */
  users?: number;
}

export interface SimulatedAccountsOptions {
  homeAccount: string;
  /** Each account's state, asked at every call (so a test may change it between runs); a clean account when undefined. */
  stateOf: (account: string) => SimulatedAccountState | undefined;
  region?: string;
  /** Every call answers after this long (the benchmark's simulated latency, read at each call); at once when absent. */
  latencyMs?: number;
  /** The credential report's GeneratedTime. */
  reportTime?: Date;
}

const KEY_ID = /^ASIA(\d{12})AUDT$/;
const AUDIT_ROLE = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@-]+$/;
const DAY = 86_400_000;

export function simulateAccounts(options: SimulatedAccountsOptions) {
  const region = options.region ?? "us-east-1";
  const reportTime = options.reportTime ?? new Date("2026-12-05T05:50:00Z");
  const wait = () => {
    const latency = options.latencyMs ?? 0;
    return latency > 0 ? new Promise((resolve) => setTimeout(resolve, latency)) : Promise.resolve();
  };
  const sts = mockClient(STSClient);
  const iam = mockClient(IAMClient);
  const cloudTrail = mockClient(CloudTrailClient);
  const stateOf = (account: string) => options.stateOf(account) ?? {};

  /**
   * The account a client reads, from its credentials: getClient() names the client of the latest
   * send, so it is asked before any await. A client with no credentials at all (a Lambda's default
   * chain, in a test) is the home account's.
   */
  const accountOf = async (getClient: () => { config: { credentials: () => Promise<{ accessKeyId: string }> } }) => {
    const credentials = getClient().config.credentials();
    const accessKeyId = await credentials.then((identity) => identity.accessKeyId, () => "");
    return KEY_ID.exec(accessKeyId)?.[1] ?? options.homeAccount;
  };

  sts.on(AssumeRoleCommand).callsFake(async (input: AssumeRoleCommandInput) => {
    await wait();
    const account = AUDIT_ROLE.exec(input.RoleArn ?? "")?.[1];
    if (!account) throw new Error(`unexpected AssumeRole ${JSON.stringify(input)}`);
    const trouble = stateOf(account).trouble;
    if (trouble === "role-missing") {
      const caller = `arn:aws:sts::${options.homeAccount}:assumed-role/vigil-prod-Posture/vigil-prod-Posture`;
      throw new STSServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message: `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
      });
    }
    if (trouble === "sts-throttled") throw new STSServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" });
    if (trouble === "region-disabled") {
      throw new RegionDisabledException({ $metadata: { httpStatusCode: 403 }, message: `STS is not activated in this region for account:${account}. Your account administrator can activate STS in this region using the IAM Console.` });
    }
    return {
      Credentials: {
        AccessKeyId: `ASIA${account}AUDT`,
        SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        SessionToken: `FwoGZXIvYXdzE${account}EXAMPLETOKEN`,
        Expiration: new Date(Date.now() + 900_000),
      },
      AssumedRoleUser: { AssumedRoleId: `AROA${account}AUDIT:${input.RoleSessionName}`, Arn: `arn:aws:sts::${account}:assumed-role/VigilAudit/${input.RoleSessionName}` },
      PackedPolicySize: 0,
    };
  });

  /** Answers an IAM call for the account, or refuses it as the account's trouble says. */
  const iamAnswer = (answer: (account: string) => unknown) => async (_input: unknown, getClient: () => any) => {
    const account = await accountOf(getClient);
    await wait();
    const trouble = stateOf(account).trouble;
    if (trouble === "throttled") throw new IAMServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" });
    if (trouble === "reads-denied") {
      throw new IAMServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: `User: arn:aws:sts::${account}:assumed-role/VigilAudit/vigil-posture is not authorized to perform this action` });
    }
    return answer(account);
  };
  const trailAnswer = (answer: (account: string) => unknown) => async (_input: unknown, getClient: () => any) => {
    const account = await accountOf(getClient);
    await wait();
    const trouble = stateOf(account).trouble;
    if (trouble === "throttled") throw new CloudTrailServiceException({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" });
    if (trouble === "reads-denied") throw new CloudTrailServiceException({ name: "AccessDeniedException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "User is not authorized" });
    return answer(account);
  };

  iam.on(GenerateCredentialReportCommand).callsFake(iamAnswer(() => ({ State: "COMPLETE" })));
  iam.on(GetCredentialReportCommand).callsFake(
    iamAnswer((account) => ({ Content: new TextEncoder().encode(credentialReport(account, stateOf(account), reportTime)), ReportFormat: "text/csv", GeneratedTime: reportTime })),
  );
  iam.on(GetAccountPasswordPolicyCommand).callsFake(
    iamAnswer((account) => ({
      PasswordPolicy: { MinimumPasswordLength: stateOf(account).weakPasswordPolicy ? 8 : 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: false, PasswordReusePrevention: 24, HardExpiry: false },
    })),
  );
  iam.on(GetAccountSummaryCommand).callsFake(
    iamAnswer((account) => ({ SummaryMap: { Users: stateOf(account).users ?? 1, UsersQuota: 5000, AccountMFAEnabled: stateOf(account).rootMfa === false ? 0 : 1, AccountAccessKeysPresent: 0, Policies: 0, ServerCertificates: 0 } })),
  );
  // No customer policy (Scope Local); AWSSupportAccess attached to a role (Scope All).
  iam.on(ListPoliciesCommand).callsFake(async (input: ListPoliciesCommandInput, getClient) =>
    iamAnswer(() => ({
      Policies: input.Scope === "Local" ? [] : [{ PolicyName: "AWSSupportAccess", PolicyId: "ANPAJSNKQX2OW67GF4S7E", Arn: "arn:aws:iam::aws:policy/AWSSupportAccess", Path: "/", DefaultVersionId: "v1", AttachmentCount: 1, PermissionsBoundaryUsageCount: 0, IsAttachable: true, CreateDate: new Date("2015-02-06T18:41:11Z"), UpdateDate: new Date("2015-02-06T18:41:11Z") }],
      IsTruncated: false,
    }))(input, getClient),
  );
  iam.on(ListEntitiesForPolicyCommand).callsFake(async (input: ListEntitiesForPolicyCommandInput, getClient) =>
    iamAnswer(() => ({
      PolicyGroups: [],
      PolicyUsers: [],
      PolicyRoles: input.EntityFilter === "Role" ? [{ RoleName: "aws-support", RoleId: "AROA6ON6E4XESUPPORT01" }] : [],
      IsTruncated: false,
    }))(input, getClient),
  );
  iam.on(ListServerCertificatesCommand).callsFake(iamAnswer(() => ({ ServerCertificateMetadataList: [], IsTruncated: false })));
  // The service users hold no policy; aws-support holds AWSSupportAccess, and is Access Advisor's one principal.
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake(iamAnswer((account) => authorizationDetails(account, stateOf(account), reportTime)));
  iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake(async (input: GenerateServiceLastAccessedDetailsCommandInput, getClient) =>
    iamAnswer(() => ({ JobId: `job-${input.Arn?.replace(/^.*:/, "").replace(/\//g, "-")}` }))(input, getClient),
  );
  iam.on(GetServiceLastAccessedDetailsCommand).callsFake(async (input: GetServiceLastAccessedDetailsCommandInput, getClient) =>
    iamAnswer((account) => ({
      JobStatus: "COMPLETED",
      JobType: "ACTION_LEVEL",
      JobCreationDate: new Date(reportTime.getTime() + 60_000),
      JobCompletionDate: new Date(reportTime.getTime() + 64_000),
      ServicesLastAccessed: [
        {
          ServiceName: "AWS Support",
          ServiceNamespace: "support",
          LastAuthenticated: new Date(reportTime.getTime() - 3 * DAY),
          LastAuthenticatedEntity: `arn:aws:iam::${account}:role/aws-support`,
          LastAuthenticatedRegion: "us-east-1",
          TotalAuthenticatedEntities: 1,
        },
      ],
      IsTruncated: false,
    }))(input, getClient),
  );
  const trailArn = (account: string) => `arn:aws:cloudtrail:${region}:${account}:trail/org-audit`;
  cloudTrail.on(DescribeTrailsCommand).callsFake(
    trailAnswer((account) => ({
      trailList: [{ Name: "org-audit", TrailARN: trailArn(account), HomeRegion: region, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, IsOrganizationTrail: false, S3BucketName: `org-audit-${account}` }],
    })),
  );
  cloudTrail.on(GetTrailStatusCommand).callsFake(trailAnswer(() => ({ IsLogging: true })));
  cloudTrail.on(GetEventSelectorsCommand).callsFake(trailAnswer((account) => ({ TrailARN: trailArn(account), EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] }] })));

  return { sts, iam, cloudTrail };
}

/** Whole seconds with +00:00, as the report writes its times. */
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** GetCredentialReport's CSV: root (with or without MFA, never used lately) and service users with one fresh, used key each. */
function credentialReport(account: string, state: SimulatedAccountState, reportTime: Date): string {
  const t = reportTime.getTime();
  const rows = [CREDENTIAL_REPORT_COLUMNS.join(",")];
  rows.push(
    [
      "<root_account>", `arn:aws:iam::${account}:root`, at(t - 900 * DAY), "not_supported", at(t - 200 * DAY), "not_supported", "not_supported", String(state.rootMfa !== false),
      "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A",
    ].join(","),
  );
  for (let index = 0; index < (state.users ?? 1); index++) {
    rows.push(
      [
        `svc-${index}`, `arn:aws:iam::${account}:user/automation/svc-${index}`, at(t - 400 * DAY), "false", "N/A", "N/A", "N/A", "false",
        "true", at(t - 20 * DAY), at(t - DAY), "us-east-1", "s3", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A",
      ].join(","),
    );
  }
  return `${rows.join("\n")}\n`;
}

/** GetAccountAuthorizationDetails in one page: the report's service users (no policy) and aws-support with AWSSupportAccess. */
function authorizationDetails(account: string, state: SimulatedAccountState, reportTime: Date) {
  const t = reportTime.getTime();
  const support = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["support:*"], Resource: "*" }] }));
  const trust = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }] }));
  return {
    UserDetailList: Array.from({ length: state.users ?? 1 }, (_, index) => ({
      Path: "/automation/",
      UserName: `svc-${index}`,
      UserId: `AIDA${account}SVC${index}`,
      Arn: `arn:aws:iam::${account}:user/automation/svc-${index}`,
      CreateDate: new Date(t - 400 * DAY),
      GroupList: [],
      AttachedManagedPolicies: [],
    })),
    GroupDetailList: [],
    RoleDetailList: [
      {
        Path: "/",
        RoleName: "aws-support",
        RoleId: "AROA6ON6E4XESUPPORT01",
        Arn: `arn:aws:iam::${account}:role/aws-support`,
        CreateDate: new Date(t - 400 * DAY),
        AssumeRolePolicyDocument: trust,
        RolePolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: "AWSSupportAccess", PolicyArn: "arn:aws:iam::aws:policy/AWSSupportAccess" }],
        RoleLastUsed: { LastUsedDate: new Date(t - 3 * DAY), Region: "us-east-1" },
      },
    ],
    Policies: [
      {
        PolicyName: "AWSSupportAccess",
        PolicyId: "ANPAJSNKQX2OW67GF4S7E",
        Arn: "arn:aws:iam::aws:policy/AWSSupportAccess",
        Path: "/",
        DefaultVersionId: "v1",
        AttachmentCount: 1,
        IsAttachable: true,
        PolicyVersionList: [{ Document: support, VersionId: "v1", IsDefaultVersion: true, CreateDate: new Date("2015-02-06T18:41:11Z") }],
      },
    ],
    IsTruncated: false,
  };
}
