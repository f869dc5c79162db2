import type { AnyRule } from "../Rule.ts";
import { rolesAnywhereTrustAnchorChanged } from "./roles-anywhere-trust-anchor-changed.ts";
import { ssoAccountAssignmentCreated } from "./sso-account-assignment-created.ts";
import { ssoIdentitySourceChanged } from "./sso-identity-source-changed.ts";
import { ssoPermissionSetChanged } from "./sso-permission-set-changed.ts";

/** Access granted outside IAM's own calls: Identity Center's identity source, permission sets and assignments, and Roles Anywhere. */
export const identityCenterRules: readonly AnyRule[] = [
  ssoIdentitySourceChanged,
  ssoPermissionSetChanged,
  ssoAccountAssignmentCreated,
  rolesAnywhereTrustAnchorChanged,
];
