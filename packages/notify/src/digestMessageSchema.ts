import { remediationActionSchema, SEVERITIES, severitySchema } from "@vigil/core";
import * as z from "zod";
import type { PostureDigestMessage } from "./digest.ts";
import { invalidInput, parseJson } from "./invalidInput.ts";

const counts = z.object(Object.fromEntries(SEVERITIES.map((severity) => [severity, z.number().int().nonnegative()])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>);
const listedFinding = z.object({ id: z.string().min(1), ruleId: z.string().min(1), title: z.string(), severity: severitySchema, resource: z.string(), summary: z.string() });

/** A posture digest as it travels in a notification (digest.ts's PostureDigestMessage, field for field). */
export const digestMessageSchema = z.object({
  kind: z.literal("posture-digest"),
  account: z.string(),
  region: z.string(),
  runAt: z.string().min(1),
  counts: z.object({ new: counts, reopened: counts, resolved: counts, stillOpen: counts }),
  new: z.array(listedFinding),
  reopened: z.array(listedFinding),
  resolved: z.array(listedFinding),
  omitted: z.object({ new: z.number().int().nonnegative(), reopened: z.number().int().nonnegative(), resolved: z.number().int().nonnegative() }),
  remediation: z.object({ dryRun: z.boolean(), actions: z.array(remediationActionSchema), omitted: z.number().int().nonnegative() }).nullable(),
  skipped: z.array(z.object({ checkId: z.string(), reason: z.string() })),
  problems: z.array(z.object({ part: z.string(), error: z.string() })),
}) satisfies z.ZodType<PostureDigestMessage>;

/** The digest in a notification's message, validated; an InvalidInputError names the first bad field. */
export function parseDigestMessage(text: string): PostureDigestMessage {
  const value = parseJson(text, "digest message");
  const result = digestMessageSchema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, value, "digest message");
  return result.data;
}
