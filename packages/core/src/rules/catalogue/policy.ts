import type { AnyRule } from "../Rule.ts";
import { policyDocumentOmitted } from "./policy-document-omitted.ts";
import { policyGrantsFullAdmin } from "./policy-grants-full-admin.ts";
import { policyNotActionAllow } from "./policy-notaction-allow.ts";
import { policyPrivilegeEscalation } from "./policy-privilege-escalation.ts";
import { policyWildcardAction } from "./policy-wildcard-action.ts";
import { trustPolicyExternalAccount } from "./trust-policy-external-account.ts";
import { trustPolicyOidcUnrestricted } from "./trust-policy-oidc-unrestricted.ts";
import { trustPolicyPublic } from "./trust-policy-public.ts";

/** Rules that read policy documents (permission and trust policies). */
export const policyRules: readonly AnyRule[] = [
  policyGrantsFullAdmin,
  policyWildcardAction,
  policyNotActionAllow,
  policyPrivilegeEscalation,
  trustPolicyPublic,
  trustPolicyExternalAccount,
  trustPolicyOidcUnrestricted,
  policyDocumentOmitted,
];
