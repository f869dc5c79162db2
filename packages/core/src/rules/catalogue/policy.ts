import type { AnyRule } from "../Rule.ts";

/** Rules that read policy documents (permission and trust policies). */
export const policyRules: readonly AnyRule[] = [];
