import * as z from "zod";
import { expiryInstant } from "./expiry.ts";
import { parseIpRange } from "./ipRange.ts";

/** What an entry can match an event by; an entry needs at least one, and every one it gives must match. */
export const IGNORE_MATCHERS = ["principal", "userAgent", "invokedBy", "sourceIp"] as const;

const ipRange = z.string().refine((text) => parseIpRange(text) !== undefined, "must be an IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24 or 2001:db8::/32");

/**
 * One entry of the configuration's `ignore` list, as the file writes it. Findings carry one too
 * (`silenceWith`) in this same shape, so a reviewer can paste it into the file as it is.
 */
export const ignoreEntrySchema = z
  .strictObject({
    /** ARN pattern, `*` matching any run of characters: matches the caller's ARN or, for a role session, its role's ARN. */
    principal: z.string().min(1).optional(),
    /** Pattern over the record's userAgent, case-insensitive (`*terraform*`). */
    userAgent: z.string().min(1).optional(),
    /** Pattern over userIdentity.invokedBy: the AWS service that made the call for the principal (`cloudformation.amazonaws.com`). */
    invokedBy: z.string().min(1).optional(),
    /** Addresses or CIDR blocks the call came from. */
    sourceIp: z.union([ipRange, z.array(ipRange).min(1, "must list at least one address or CIDR block")]).optional(),
    reason: z.string().min(1, "a reason is required for every ignore entry"),
    /** Who to ask about the entry. */
    owner: z.string().min(1).optional(),
    /** After this date (the whole day UTC) or date-time the entry silences nothing. */
    expires: z
      .string()
      .refine((text) => expiryInstant(text) !== undefined, "must be a date (2026-01-31) or a date-time with a zone (2026-01-31T18:00:00Z)")
      .optional(),
    /** Limits the entry to these rules; every rule when absent. */
    rules: z.array(z.string()).optional(),
  })
  .refine((entry) => IGNORE_MATCHERS.some((key) => entry[key] !== undefined), `needs at least one of ${IGNORE_MATCHERS.join(", ")} to match by`);

export type IgnoreEntry = z.infer<typeof ignoreEntrySchema>;
