import * as z from "zod";

/**
 * What the opt-in key remediation did, or would do, for one user or key: the AWS adapter makes it,
 * the finding records it and the digest lists it, so a digest read back is checked against the same shape.
 */
export const remediationActionSchema = z.object({
  kind: z.literal("deactivate-access-key"),
  user: z.string(),
  arn: z.string(),
  /** Absent when the user's keys were not listed (skipped, or ListAccessKeys failed). */
  accessKeyId: z.string().optional(),
  /** Whole days since the key was created. */
  ageDays: z.number().optional(),
  /** `done`: made Inactive; `would-do`: a dry run's; `failed` and `skipped` say why in `reason`. */
  outcome: z.enum(["done", "would-do", "failed", "skipped"]),
  reason: z.string().optional(),
});
export type RemediationAction = z.infer<typeof remediationActionSchema>;
