import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, type GetEventSelectorsCommandInput, GetTrailStatusCommand, type GetTrailStatusCommandInput } from "@aws-sdk/client-cloudtrail";
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
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { awsResponse, CREDENTIAL_REPORT_CSV, credentialReportResponse, mockAccessReads } from "../aws-iam/posture/awsResponses.ts";
import { rfc3986Encode } from "../aws-iam/iamEncoding.ts";
import { loadFixture } from "../../helpers/fixtures.ts";

/** Each customer policy's default version; ops-admin allows everything. */
const DOCUMENTS: Record<string, string> = {
  "arn:aws:iam::111122223333:policy/billing-export": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ce:Get*","cur:DescribeReportDefinitions"],"Resource":"*"}]}',
  "arn:aws:iam::111122223333:policy/teams/ops-admin": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
  "arn:aws:iam::111122223333:policy/ci-deploy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","cloudformation:*"],"Resource":"*"}]}',
};

const USERS_BY_POLICY: Record<string, string> = {
  "arn:aws:iam::aws:policy/AdministratorAccess": "iam/list-entities-for-policy-administrator-users.json",
  "arn:aws:iam::aws:policy/AWSSupportAccess": "iam/list-entities-for-policy-no-users.json",
  "arn:aws:iam::111122223333:policy/ci-deploy": "iam/list-entities-for-policy-ci-deploy-users.json",
};

const ORG_AUDIT = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit";
const DATA_EVENTS = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/data-events";

function unexpected(operation: string, input: unknown): never {
  throw new Error(`unexpected ${operation} ${JSON.stringify(input)}`);
}

/**
 * Account 111122223333 as the read-only calls of `vigil posture` see it, answered from the API
 * reference-shaped fixtures under test/fixtures/aws (IAM, CloudTrail) and posture-cli (STS).
 */
export function mockLiveAccount() {
  const sts = mockClient(STSClient);
  const iam = mockClient(IAMClient);
  const cloudTrail = mockClient(CloudTrailClient);
  sts.on(GetCallerIdentityCommand).resolves(loadFixture("posture-cli/sts-get-caller-identity.json"));
  iam.on(GenerateCredentialReportCommand).resolves(awsResponse("iam/generate-credential-report-complete.json"));
  iam.on(GetCredentialReportCommand).resolves(credentialReportResponse(CREDENTIAL_REPORT_CSV));
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
  return { sts, iam, cloudTrail };
}
