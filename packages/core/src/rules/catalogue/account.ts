import type { AnyRule } from "../Rule.ts";

/** Account-wide controls: password policy, CloudTrail, Organizations, groups, attachments, boundaries, federation. */
export const accountRules: readonly AnyRule[] = [];
