import type { BatchImportFindingsCommandInput, BatchImportFindingsCommandOutput, BatchUpdateFindingsCommandInput, BatchUpdateFindingsCommandOutput } from "@aws-sdk/client-securityhub";
import type { FindingStatus } from "@vigil/core";
import type { SecurityHubChange } from "@vigil/export";
import { everyPostureFinding } from "../../helpers/exportFindings.ts";

export const REGION = "eu-west-1";
export const OWN_ACCOUNT = "111122223333";
export const UPDATED_AT = "2026-11-23T08:00:00.000Z";

export function defaultProduct(account: string): string {
  return `arn:aws:securityhub:${REGION}:${account}:product/${account}/default`;
}

/** `count` distinct findings of `account` with `status`, from one posture run's findings. */
export function changes(count: number, options: { account?: string; status?: FindingStatus; setWorkflow?: boolean; tag?: string } = {}): SecurityHubChange[] {
  const base = everyPostureFinding();
  const account = options.account ?? OWN_ACCOUNT;
  return Array.from({ length: count }, (_, index) => {
    const finding = base[index % base.length]!;
    return {
      finding: { ...finding, id: `${finding.id}-${options.tag ?? account}-${index}`, account, status: options.status ?? finding.status },
      updatedAt: UPDATED_AT,
      setWorkflow: options.setWorkflow ?? false,
    };
  });
}

/** A clock that only the injected sleep moves, with what it was asked to wait. */
export function fakeClock(start = Date.parse(UPDATED_AT)) {
  let now = start;
  const waits: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    waits,
  };
}

/** BatchImportFindings' answer, as the API reference shows it: every finding taken but `refused`. */
export function importAnswer(input: BatchImportFindingsCommandInput, refused: Record<string, { ErrorCode: string; ErrorMessage: string }> = {}): Partial<BatchImportFindingsCommandOutput> {
  const findings = input.Findings ?? [];
  const failed = findings.filter((finding) => refused[finding.Id!]).map((finding) => ({ Id: finding.Id!, ...refused[finding.Id!]! }));
  return { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed };
}

/** BatchUpdateFindings' answer, as the API reference shows it: every identifier processed but `refused`. */
export function updateAnswer(input: BatchUpdateFindingsCommandInput, refused: Record<string, { ErrorCode: string; ErrorMessage: string }> = {}): Partial<BatchUpdateFindingsCommandOutput> {
  const identifiers = input.FindingIdentifiers ?? [];
  return {
    ProcessedFindings: identifiers.filter((identifier) => !refused[identifier.Id!]),
    UnprocessedFindings: identifiers.filter((identifier) => refused[identifier.Id!]).map((identifier) => ({ FindingIdentifier: identifier, ...refused[identifier.Id!]! })),
  };
}
