import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  GenerateServiceLastAccessedDetailsCommand,
  type GenerateServiceLastAccessedDetailsCommandInput,
  GetAccountAuthorizationDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandInput,
  type IAMClient,
} from "@aws-sdk/client-iam";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { FIXTURES, loadFixture } from "../../../helpers/fixtures.ts";

/** Fields the SDK hands over as Date (timestamps in the API reference); the rest stay as the JSON has them. */
const TIMESTAMPS = new Set([
  "CreateDate",
  "UpdateDate",
  "UploadDate",
  "Expiration",
  "GeneratedTime",
  "LatestDeliveryTime",
  "StartLoggingTime",
  "StopLoggingTime",
  "LatestDigestDeliveryTime",
  "LastUsedDate",
  "LastAuthenticated",
  "LastAccessedTime",
  "JobCreationDate",
  "JobCompletionDate",
]);

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, TIMESTAMPS.has(key) && typeof inner === "string" ? new Date(inner) : revive(inner)]),
  );
}

/** An API response from test/fixtures/aws, as the SDK returns it (timestamps as Date). */
export function awsResponse<T = Record<string, unknown>>(name: string): T {
  return revive(loadFixture(join("aws", name))) as T;
}

export const CREDENTIAL_REPORT_CSV = readFileSync(join(FIXTURES, "aws", "iam", "credential-report.csv"), "utf8");

/** GetCredentialReport's answer: the SDK decodes the base64 Content to bytes. */
export function credentialReportResponse(csv: string, generatedTime = new Date("2026-11-20T08:40:02Z")) {
  return { Content: new TextEncoder().encode(csv), ReportFormat: "text/csv" as const, GeneratedTime: generatedTime };
}

const HEADER = CREDENTIAL_REPORT_CSV.split("\n")[0] as string;
const ROOT_ROW = CREDENTIAL_REPORT_CSV.split("\n")[1] as string;

/** A credential report of `users` users (plus root), each with one active key, as a large account's would be. */
export function generatedCredentialReport(users: number): string {
  const rows = [HEADER, ROOT_ROW];
  for (let index = 0; index < users; index++) {
    const name = `user-${String(index).padStart(5, "0")}`;
    rows.push(
      `${name},arn:aws:iam::111122223333:user/${name},2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-01-01T00:05:00+00:00,2026-11-19T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
  }
  return `${rows.join("\n")}\n`;
}

/** The principals of iam/get-account-authorization-details.json Access Advisor is asked about, by ARN. */
export const ACCESS_ADVISOR_CANDIDATES = [
  "arn:aws:iam::111122223333:role/aws-support",
  "arn:aws:iam::111122223333:user/ana",
  "arn:aws:iam::111122223333:user/automation/ci-deployer",
  "arn:aws:iam::111122223333:user/backup-agent",
];

/** One Access Advisor job per principal, named after it so each Get can be traced to its Generate. */
export const accessAdvisorJobOf = (arn: string) => `job-${arn.replace(/^.*:/, "").replace(/\//g, "-")}`;

/**
 * Answers the authorization details (one page, iam/get-account-authorization-details.json) and
 * Access Advisor: every job generated for a candidate is COMPLETED at its first poll.
 */
export function mockAccessReads(iam: AwsClientStub<IAMClient>): void {
  iam.on(GetAccountAuthorizationDetailsCommand).resolves(awsResponse("iam/get-account-authorization-details.json"));
  iam.on(GenerateServiceLastAccessedDetailsCommand).callsFake((input: GenerateServiceLastAccessedDetailsCommandInput) => ({ JobId: accessAdvisorJobOf(input.Arn ?? "") }));
  iam.on(GetServiceLastAccessedDetailsCommand).callsFake((input: GetServiceLastAccessedDetailsCommandInput) => {
    const arn = ACCESS_ADVISOR_CANDIDATES.find((candidate) => accessAdvisorJobOf(candidate) === input.JobId);
    if (!arn) throw new Error(`unexpected GetServiceLastAccessedDetails ${JSON.stringify(input)}`);
    const answer = awsResponse<{ ServicesLastAccessed: { LastAuthenticatedEntity?: string }[] }>("iam/get-service-last-accessed-details-completed.json");
    for (const service of answer.ServicesLastAccessed) if (service.LastAuthenticatedEntity) service.LastAuthenticatedEntity = arn;
    return answer;
  });
}
