import { ConfigError } from "@vigil/core";
import * as z from "zod";

/**
 * The opt-in key remediation of the scheduled posture run: off unless a stage turns it on, and a
 * dry run (listing what it would deactivate) until that is turned off too. The stage
 * configuration's `remediation` key and the posture function's REMEDIATION variable share it.
 */
export const remediationSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Active access keys created more than this many days ago are deactivated. */
  olderThanDays: z.number().int().min(1).max(3650).default(90),
  dryRun: z.boolean().default(true),
});

export type RemediationSettings = z.output<typeof remediationSettingsSchema>;
export type RemediationSettingsInput = z.input<typeof remediationSettingsSchema>;

export const REMEDIATION_OFF: RemediationSettings = remediationSettingsSchema.parse({});

/** Validates remediation settings; ConfigError naming `source` and the key (`REMEDIATION: olderThanDays: ...`). */
export function parseRemediationSettings(input: unknown, source = "remediation"): RemediationSettings {
  const parsed = remediationSettingsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = (issue?.path ?? []).map(String).join(".");
  const message = issue?.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"` : (issue?.message ?? "invalid");
  throw new ConfigError(`${source}: ${key ? `${key}: ` : ""}${message}`);
}
