import type { Reference } from "../findings/Reference.ts";

const cis = (id: string, title: string): Reference => ({ framework: "CIS AWS Foundations Benchmark v3.0.0", id, title });
const attack = (id: string, title: string): Reference => ({ framework: "MITRE ATT&CK", id, title });
const awsIam = (id: string, title: string): Reference => ({ framework: "AWS IAM best practices", id, title });

/** CIS AWS Foundations Benchmark v3.0.0 controls the catalogue maps to. */
export const CIS = {
  rootAccessKeys: cis("1.4", "Ensure no 'root' user account access key exists"),
  rootMfa: cis("1.5", "Ensure MFA is enabled for the 'root' user account"),
  rootUsage: cis("1.7", "Eliminate use of the 'root' user for administrative and daily tasks"),
  passwordLength: cis("1.8", "Ensure IAM password policy requires minimum length of 14 or greater"),
  passwordReuse: cis("1.9", "Ensure IAM password policy prevents password reuse"),
  consoleMfa: cis("1.10", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password"),
  noKeysAtSetup: cis("1.11", "Do not setup access keys during initial user setup for all IAM users that have a console password"),
  credentialsUnused: cis("1.12", "Ensure credentials unused for 45 days or greater are disabled"),
  oneActiveKey: cis("1.13", "Ensure there is only one active access key available for any single IAM user"),
  keyRotation: cis("1.14", "Ensure access keys are rotated every 90 days or less"),
  groupsOnly: cis("1.15", "Ensure IAM Users Receive Permissions Only Through Groups"),
  noFullAdmin: cis("1.16", 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
  supportRole: cis("1.17", "Ensure a support role has been created to manage incidents with AWS Support"),
  expiredCertificates: cis("1.19", "Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed"),
  cloudTrailAllRegions: cis("3.1", "Ensure CloudTrail is enabled in all regions"),
  logFileValidation: cis("3.2", "Ensure CloudTrail log file validation is enabled"),
  unauthorizedApiCalls: cis("4.1", "Ensure unauthorized API calls are monitored"),
  consoleSignInWithoutMfa: cis("4.2", "Ensure management console sign-in without MFA is monitored"),
  rootUsageMonitored: cis("4.3", "Ensure usage of 'root' account is monitored"),
  iamPolicyChanges: cis("4.4", "Ensure IAM policy changes are monitored"),
  cloudTrailChanges: cis("4.5", "Ensure CloudTrail configuration changes are monitored"),
  consoleAuthFailures: cis("4.6", "Ensure AWS Management Console authentication failures are monitored"),
  organizationsChanges: cis("4.15", "Ensure AWS Organizations changes are monitored"),
} as const;

/** MITRE ATT&CK (Enterprise, IaaS) techniques the catalogue maps to. */
export const ATTACK = {
  cloudAccounts: attack("T1078.004", "Valid Accounts: Cloud Accounts"),
  additionalCloudCredentials: attack("T1098.001", "Account Manipulation: Additional Cloud Credentials"),
  additionalCloudRoles: attack("T1098.003", "Account Manipulation: Additional Cloud Roles"),
  accountManipulation: attack("T1098", "Account Manipulation"),
  createCloudAccount: attack("T1136.003", "Create Account: Cloud Account"),
  disableCloudLogs: attack("T1562.008", "Impair Defenses: Disable or Modify Cloud Logs"),
  modifyMfa: attack("T1556.006", "Modify Authentication Process: Multi-Factor Authentication"),
  passwordGuessing: attack("T1110.001", "Brute Force: Password Guessing"),
  bruteForce: attack("T1110", "Brute Force"),
  trustModification: attack("T1484.002", "Domain or Tenant Policy Modification: Trust Modification"),
  temporaryElevatedAccess: attack("T1548.005", "Abuse Elevation Control Mechanism: Temporary Elevated Cloud Access"),
  applicationAccessToken: attack("T1550.001", "Use Alternate Authentication Material: Application Access Token"),
  cloudInfrastructureDiscovery: attack("T1580", "Cloud Infrastructure Discovery"),
  modifyAuthenticationProcess: attack("T1556", "Modify Authentication Process"),
  hybridIdentity: attack("T1556.007", "Modify Authentication Process: Hybrid Identity"),
  unsecuredCredentials: attack("T1552", "Unsecured Credentials"),
  tenantPolicyModification: attack("T1484", "Domain or Tenant Policy Modification"),
  modifyCloudResourceHierarchy: attack("T1666", "Modify Cloud Resource Hierarchy"),
  cloudAccountDiscovery: attack("T1087.004", "Account Discovery: Cloud Account"),
  cloudGroupsDiscovery: attack("T1069.003", "Permission Groups Discovery: Cloud Groups"),
} as const;

/** Sections of AWS's "Security best practices in IAM" (the id is the section's anchor on that page). */
export const AWS_IAM = {
  removeUnused: awsIam("remove-credentials", "Regularly review and remove unused users, roles, permissions, policies, and credentials"),
  leastPrivilege: awsIam("grant-least-privilege", "Apply least-privilege permissions"),
} as const;
