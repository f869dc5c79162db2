import type { z } from "zod";
import type { AuthorizationDetails } from "../access/AuthorizationDetails.ts";
import type { PrincipalServiceAccess } from "../access/ServiceLastAccessed.ts";
import type { Severity } from "../findings/Severity.ts";
import type { ActionIndex } from "../policy/ActionIndex.ts";
import type { RuleMetadata } from "../rules/Rule.ts";
import type { CustomerPolicy, ServerCertificate, Trail, UserAccessKey } from "./AccountSnapshot.ts";
import type { CredentialReportRow } from "./CredentialReportRow.ts";
import type { PasswordPolicy } from "./PasswordPolicy.ts";

/** The snapshot's parts as checks read them: validated, and the credential report parsed. */
export interface PostureData {
  credentialReport: readonly CredentialReportRow[];
  /** null: the account has no password policy. */
  passwordPolicy: PasswordPolicy | null;
  accountSummary: Readonly<Record<string, number>>;
  customerPolicies: readonly CustomerPolicy[];
  userPolicyAttachments: readonly { policyArn: string; userName: string; userArn?: string }[];
  supportRoles: readonly string[];
  serverCertificates: readonly ServerCertificate[];
  trails: readonly Trail[];
  accessKeys: readonly UserAccessKey[];
  authorizationDetails: AuthorizationDetails;
  serviceLastAccessed: readonly PrincipalServiceAccess[];
}

export type PosturePart = keyof PostureData;

export interface PostureContext<P> {
  params: P;
  account: string;
  /** The account's root ARN: the principal and resource of account-level findings. */
  accountArn: string;
  /** The run's instant; every age is measured from it. */
  now: Date;
  actions?: ActionIndex;
  /** Records that part of the input could not be checked (one unreadable policy), without giving up the rest. */
  skip(reason: string): void;
  /**
   * Says the run judged only these principals (Access Advisor is read for some principals per run):
   * the check's stored findings of any other principal are left as they are, neither seen nor resolved.
   */
  judgedOnly(principals: Iterable<string>): void;
}

/** What a check reports about one resource. */
export interface PostureMatch {
  /** ARN of the IAM user or root concerned; the account's root ARN for account-level checks. */
  principal: string;
  resource: string;
  /** Names the condition within the check; the finding id derives from it, so it must not change while the condition lasts. */
  key: string;
  summary: string;
  /** Overrides the check's default severity for this match (a rotation reminder). */
  severity?: Severity;
  details?: Record<string, unknown>;
}

/** A scheduled check of the account as it is, as opposed to an event rule. */
export interface PostureCheck<P = Record<string, never>, N extends PosturePart = never> {
  meta: RuleMetadata;
  /** Parts it cannot run without: when one is absent the check is skipped, not guessed. */
  needs: readonly N[];
  /** Parts of which one is enough (a live summary or the report); the check reads whichever is present. */
  needsOneOf?: readonly PosturePart[];
  /** Its thresholds, with defaults; the config file's keys for this check are validated against it. */
  params?: z.ZodType<P>;
  evaluate(data: Pick<PostureData, N> & Partial<PostureData>, context: PostureContext<P>): readonly PostureMatch[];
}

// The registry holds checks of every parameter type and input, so both are erased here.
export type AnyPostureCheck = PostureCheck<any, any>;

/** Helper that keeps a check's parameter type and needed parts inferred. */
export function definePostureCheck<P = Record<string, never>, N extends PosturePart = never>(check: PostureCheck<P, N>): PostureCheck<P, N> {
  return check;
}
