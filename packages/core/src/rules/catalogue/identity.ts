import type { AnyRule } from "../Rule.ts";
import { accessKeyCreated } from "./access-key-created.ts";
import { adminBackdoorSequence } from "./admin-backdoor-sequence.ts";
import { consoleLoginFailures } from "./console-login-failures.ts";
import { consoleLoginWithoutMfa } from "./console-login-without-mfa.ts";
import { consoleSessionFromAccessKeys } from "./console-session-from-access-keys.ts";
import { federationTokenCreated } from "./federation-token-created.ts";
import { iamEnumeration } from "./iam-enumeration.ts";
import { iamUserCreated } from "./iam-user-created.ts";
import { leakedKeyValidation } from "./leaked-key-validation.ts";
import { loginProfileChangedForOtherUser } from "./login-profile-changed-for-other-user.ts";
import { loginProfileCreatedForOtherUser } from "./login-profile-created-for-other-user.ts";
import { mfaDeviceDeactivated } from "./mfa-device-deactivated.ts";
import { mfaDeviceRegisteredForOtherUser } from "./mfa-device-registered-for-other-user.ts";
import { rootAccessKeyCreated } from "./root-access-key-created.ts";
import { rootActivity } from "./root-activity.ts";
import { rootConsoleLogin } from "./root-console-login.ts";
import { rootCredentialsChanged } from "./root-credentials-changed.ts";
import { rootSessionAssumed } from "./root-session-assumed.ts";
import { unauthorizedApiCalls } from "./unauthorized-api-calls.ts";

/** Sign-in, root, users and credentials. */
export const identityRules: readonly AnyRule[] = [
  rootConsoleLogin,
  rootActivity,
  rootAccessKeyCreated,
  rootCredentialsChanged,
  rootSessionAssumed,
  consoleLoginWithoutMfa,
  consoleLoginFailures,
  unauthorizedApiCalls,
  iamUserCreated,
  accessKeyCreated,
  loginProfileCreatedForOtherUser,
  loginProfileChangedForOtherUser,
  mfaDeviceRegisteredForOtherUser,
  mfaDeviceDeactivated,
  federationTokenCreated,
  consoleSessionFromAccessKeys,
  leakedKeyValidation,
  iamEnumeration,
  adminBackdoorSequence,
];
