import { FINDING_STATUSES, type Finding, severitySchema } from "@vigil/core";
import * as z from "zod";

const referenceSchema = z.object({
  framework: z.enum(["CIS AWS Foundations Benchmark v3.0.0", "MITRE ATT&CK"]),
  id: z.string().min(1),
  title: z.string(),
});

/** A finding as it travels in a notification (core's Finding, field for field). */
export const findingSchema = z.object({
  id: z.string().min(1),
  ruleId: z.string().min(1),
  title: z.string(),
  severity: severitySchema,
  status: z.enum(FINDING_STATUSES),
  eventId: z.string().min(1).optional(),
  eventIds: z.array(z.string()).optional(),
  eventName: z.string().optional(),
  eventSource: z.string().optional(),
  eventTime: z.string().optional(),
  account: z.string(),
  region: z.string(),
  principal: z.string(),
  resource: z.string(),
  sourceIPAddress: z.string().optional(),
  summary: z.string(),
  description: z.string(),
  remediation: z.string(),
  references: z.array(referenceSchema),
  detectedAt: z.string().min(1),
  lastSeenAt: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<Finding>;
