import type { AnyRule } from "../Rule.ts";
import { accessKeyExposedQuarantine } from "./access-key-exposed-quarantine.ts";
import { adminPolicyAttached } from "./admin-policy-attached.ts";
import { cloudTrailTampering } from "./cloudtrail-tampering.ts";
import { identityProviderChanged } from "./identity-provider-changed.ts";
import { inlinePolicyOnUser } from "./inline-policy-on-user.ts";
import { organizationsChanges } from "./organizations-changes.ts";
import { passwordPolicyWeakened } from "./password-policy-weakened.ts";
import { permissionsBoundaryRemoved } from "./permissions-boundary-removed.ts";
import { policyDefaultVersionChanged } from "./policy-default-version-changed.ts";
import { userAddedToAdminGroup } from "./user-added-to-admin-group.ts";

/** Account-wide controls: password policy, CloudTrail, Organizations, groups, attachments, boundaries, federation. */
export const accountRules: readonly AnyRule[] = [
  cloudTrailTampering,
  passwordPolicyWeakened,
  organizationsChanges,
  accessKeyExposedQuarantine,
  adminPolicyAttached,
  inlinePolicyOnUser,
  userAddedToAdminGroup,
  permissionsBoundaryRemoved,
  policyDefaultVersionChanged,
  identityProviderChanged,
];
