import type { AnyRule } from "../Rule.ts";
import { accountRules } from "./account.ts";
import { identityCenterRules } from "./identityCenter.ts";
import { identityRules } from "./identity.ts";
import { policyRules } from "./policy.ts";

/** Every rule Vigil ships, in the order `vigil rules` lists them. */
export const catalogue: readonly AnyRule[] = [...identityRules, ...policyRules, ...accountRules, ...identityCenterRules];
