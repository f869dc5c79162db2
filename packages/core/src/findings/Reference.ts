import * as z from "zod";

/** A control or technique a rule maps to. */
export const referenceSchema = z.object({
  framework: z.enum(["CIS AWS Foundations Benchmark v3.0.0", "MITRE ATT&CK", "AWS IAM best practices"]),
  id: z.string().min(1),
  title: z.string(),
});
export type Reference = z.infer<typeof referenceSchema>;

export function formatReference(reference: Reference): string {
  switch (reference.framework) {
    case "MITRE ATT&CK":
      return `ATT&CK ${reference.id}`;
    case "AWS IAM best practices":
      return `AWS IAM ${reference.id}`;
    default:
      return `CIS ${reference.id}`;
  }
}
