import type { AuthorizationDetails } from "../access/AuthorizationDetails.ts";
import type { PrincipalServiceAccess } from "../access/ServiceLastAccessed.ts";
import type { PasswordPolicy } from "./PasswordPolicy.ts";

/**
 * The account as the scheduled checks see it: everything read in one run, gathered by an adapter
 * (live IAM and CloudTrail calls, or files a user downloaded) so the checks themselves stay pure.
 * A part that could not be read is absent, and the checks that need it are skipped, not guessed.
 */
export interface AccountSnapshot {
  account: string;
  /** The region the account-level reads were made in (IAM is global; CloudTrail is regional). */
  region: string;
  /** The IAM credential report's CSV, as GetCredentialReport returns it (decoded from base64). */
  credentialReportCsv?: string;
  /** When AWS generated that report (GetCredentialReport's GeneratedTime). */
  credentialReportGeneratedAt?: string;
  /** GetAccountPasswordPolicy's PasswordPolicy; null when the account has none (NoSuchEntity). */
  passwordPolicy?: PasswordPolicy | null;
  /** GetAccountSummary's SummaryMap. */
  accountSummary?: Record<string, number>;
  /** Customer-managed policies attached to something, with their default version's document (decoded JSON text). */
  customerPolicies?: CustomerPolicy[];
  /** Managed policies (AWS or customer) attached directly to users: ListEntitiesForPolicy with EntityFilter User. */
  userPolicyAttachments?: { policyArn: string; userName: string; userArn?: string }[];
  /** Roles AWSSupportAccess is attached to. */
  supportRoles?: string[];
  serverCertificates?: ServerCertificate[];
  trails?: Trail[];
  /**
   * ListAccessKeys' AccessKeyMetadata for every user. Optional even in a full snapshot: the
   * credential report knows keys only by slot, and this lets findings name the key id.
   */
  accessKeys?: UserAccessKey[];
  /** GetAccountAuthorizationDetails, every page: the users, groups, roles and managed policies. */
  authorizationDetails?: AuthorizationDetails;
  /**
   * Access Advisor for the principals read this run (a run reads at most a configured number and
   * rotates through the rest on later runs); a principal absent here was not judged by this run.
   */
  serviceLastAccessed?: PrincipalServiceAccess[];
}

export interface UserAccessKey {
  userName: string;
  accessKeyId: string;
  /** ISO instant: the credential report's access_key_N_last_rotated for the same key. */
  createDate: string;
}

export interface CustomerPolicy {
  arn: string;
  name: string;
  defaultVersionId: string;
  attachmentCount: number;
  /** The default version's document as JSON text (already URL-decoded). */
  document: string;
}

export interface ServerCertificate {
  name: string;
  arn: string;
  /** ISO instant. */
  expiration: string;
}

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  isMultiRegionTrail: boolean;
  isLogging: boolean;
  logFileValidationEnabled: boolean;
  /** From GetEventSelectors: management events (read and write) are recorded. */
  includesManagementEvents: boolean;
}
