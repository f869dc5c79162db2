import * as z from "zod";

/** A control or technique a rule maps to. */
export const referenceSchema = z.object({
  framework: z.enum(["CIS AWS Foundations Benchmark v3.0.0", "MITRE ATT&CK"]),
  id: z.string().min(1),
  title: z.string(),
});
export type Reference = z.infer<typeof referenceSchema>;

export function formatReference(reference: Reference): string {
  return reference.framework === "MITRE ATT&CK" ? `ATT&CK ${reference.id}` : `CIS ${reference.id}`;
}
