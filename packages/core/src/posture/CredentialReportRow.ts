/**
 * One row of the IAM credential report, typed. Values the report writes as `N/A`, `no_information`
 * or `not_supported` are undefined; times stay as the report writes them (ISO 8601, `+00:00`).
 */
export type CredentialReportRow = RootCredentialReportRow | UserCredentialReportRow;

/** The first data row: the account's root user, named `<root_account>`. */
export interface RootCredentialReportRow extends CredentialReportRowBase {
  kind: "root";
  user: typeof ROOT_ACCOUNT_USER;
}

export interface UserCredentialReportRow extends CredentialReportRowBase {
  kind: "user";
  user: string;
}

export const ROOT_ACCOUNT_USER = "<root_account>";

interface CredentialReportRowBase {
  arn: string;
  /** For root, when the account was created. */
  userCreationTime: string;
  /** Undefined for root, whose report value is `not_supported`. */
  passwordEnabled?: boolean;
  /** Undefined when there is no password, it was never used, or it was last used before October 2014 (`no_information`). */
  passwordLastUsed?: string;
  passwordLastChanged?: string;
  passwordNextRotation?: string;
  mfaActive: boolean;
  /** The report's two access-key slots, in order; a slot without a key has no `lastRotated`. */
  accessKeys: [CredentialReportAccessKey, CredentialReportAccessKey];
  /** The two X.509 signing-certificate slots. */
  certificates: [CredentialReportCertificate, CredentialReportCertificate];
}

export interface CredentialReportAccessKey {
  slot: 1 | 2;
  active: boolean;
  /** When the key was created or last changed; undefined when the slot holds no key. */
  lastRotated?: string;
  /** Undefined when the key was never used (or last used before April 2015). */
  lastUsedDate?: string;
  lastUsedRegion?: string;
  lastUsedService?: string;
}

export interface CredentialReportCertificate {
  slot: 1 | 2;
  active: boolean;
  lastRotated?: string;
}
