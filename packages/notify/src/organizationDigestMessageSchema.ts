import { SEVERITIES, severitySchema } from "@vigil/core";
import * as z from "zod";
import { invalidInput, parseJson } from "./invalidInput.ts";
import type { OrganizationDigestMessage } from "./organizationDigest.ts";

const counts = z.object(Object.fromEntries(SEVERITIES.map((severity) => [severity, z.number().int().nonnegative()])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>);
const count = z.number().int().nonnegative();

/** An organization digest as it travels in a notification (organizationDigest.ts's OrganizationDigestMessage, field for field). */
export const organizationDigestMessageSchema = z.object({
  kind: z.literal("organization-posture-digest"),
  organizationId: z.string(),
  region: z.string(),
  runAt: z.string().min(1),
  inventory: z.object({ source: z.enum(["organizations", "cache"]), refreshedAt: z.string(), error: z.string().nullable() }),
  totals: z.object({ accountsRead: count, accountsNotRead: count, new: counts, reopened: counts, resolved: counts, stillOpen: counts }),
  accounts: z.array(
    z.object({
      account: z.string(),
      accountName: z.string().nullable(),
      new: counts,
      reopened: count,
      resolved: count,
      stillOpen: counts,
      checksSkipped: count,
      partsNotRead: count,
      remediation: z.object({ dryRun: z.boolean(), done: count, failed: count }).nullable(),
    }),
  ),
  notRead: z.array(z.object({ account: z.string(), accountName: z.string().nullable(), reason: z.string(), detail: z.string() })),
  new: z.array(
    z.object({
      id: z.string().min(1),
      ruleId: z.string().min(1),
      title: z.string(),
      severity: severitySchema,
      resource: z.string(),
      summary: z.string(),
      account: z.string(),
      accountName: z.string().nullable(),
      reopened: z.boolean(),
    }),
  ),
  omitted: z.object({ accounts: count, notRead: count, new: count }),
}) satisfies z.ZodType<OrganizationDigestMessage>;

/** The organization digest in a notification's message, validated; an InvalidInputError names the first bad field. */
export function parseOrganizationDigestMessage(text: string): OrganizationDigestMessage {
  const value = parseJson(text, "organization digest message");
  const result = organizationDigestMessageSchema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, value, "organization digest message");
  return result.data;
}
