import type { AnyPostureCheck } from "../PostureCheck.ts";
import { accessKeyNotRotated } from "./access-key-not-rotated.ts";
import { accessKeyUnusedSinceCreation } from "./access-key-unused-since-creation.ts";
import { adminPolicyInUse } from "./admin-policy-in-use.ts";
import { adminUnused } from "./admin-unused.ts";
import { cloudTrailNotHealthy } from "./cloudtrail-not-healthy.ts";
import { credentialsUnused } from "./credentials-unused.ts";
import { expiredServerCertificates } from "./expired-server-certificates.ts";
import { multipleActiveAccessKeys } from "./multiple-active-access-keys.ts";
import { noSupportRole } from "./no-support-role.ts";
import { passwordPolicyWeak } from "./password-policy-weak.ts";
import { rootAccessKeysPresent } from "./root-access-keys-present.ts";
import { rootMfaDisabled } from "./root-mfa-disabled.ts";
import { roleUnused } from "./role-unused.ts";
import { rootUsedRecently } from "./root-used-recently.ts";
import { userConsoleWithoutMfa } from "./user-console-without-mfa.ts";
import { unusedServices } from "./unused-services.ts";
import { userHasDirectPolicies } from "./user-has-direct-policies.ts";
import { userUnused } from "./user-unused.ts";

/** Every scheduled posture check Vigil ships, in CIS order, then the unused-access checks. */
export const postureChecks: readonly AnyPostureCheck[] = [
  rootAccessKeysPresent,
  rootMfaDisabled,
  rootUsedRecently,
  passwordPolicyWeak,
  userConsoleWithoutMfa,
  accessKeyUnusedSinceCreation,
  credentialsUnused,
  multipleActiveAccessKeys,
  accessKeyNotRotated,
  userHasDirectPolicies,
  adminPolicyInUse,
  noSupportRole,
  expiredServerCertificates,
  cloudTrailNotHealthy,
  userUnused,
  roleUnused,
  unusedServices,
  adminUnused,
];
