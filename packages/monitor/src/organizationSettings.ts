import { ConfigError, organizationIdSchema } from "@vigil/core";
import * as z from "zod";

/** IAM role names: up to 64 of letters, digits and +=,.@_- (IAM's RoleName pattern). */
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, "must be an IAM role name");

/** The audit role every member account gets from the spoke, when the stage names none. */
export const DEFAULT_AUDIT_ROLE_NAME = "VigilAudit";

/**
 * What the functions need to know of the organization they watch: its id (the zone of trust, the
 * condition on the audit role), the management account (covered by a plain stack, never by the
 * StackSet), the audit role each member account holds, and how many accounts the posture run
 * reads at once. The stage configuration's `organization` block holds these (and its
 * deploymentTargets); the posture and evaluate functions get them as the ORGANIZATION variable.
 * Absent means single-account mode, exactly as before.
 */
export const organizationSettingsSchema = z.strictObject({
  id: organizationIdSchema,
  managementAccountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  auditRoleName: roleName.default(DEFAULT_AUDIT_ROLE_NAME),
  /** Accounts read at once by the posture run; Organizations, STS and IAM throttle per account, so this bounds the home side. */
  postureConcurrency: z.number().int().min(1).max(100).default(10),
});

export type OrganizationSettings = z.output<typeof organizationSettingsSchema>;
export type OrganizationSettingsInput = z.input<typeof organizationSettingsSchema>;

/** Validates organization settings; ConfigError naming `source` and the key (`ORGANIZATION: id: ...`). Undefined stays undefined: no organization. */
export function parseOrganizationSettings(input: unknown, source = "organization"): OrganizationSettings | undefined {
  if (input === undefined) return undefined;
  const parsed = organizationSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = (issue?.path ?? []).map(String).join(".");
  const message = issue?.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"` : (issue?.message ?? "invalid");
  throw new ConfigError(`${source}: ${key ? `${key}: ` : ""}${message}`);
}
