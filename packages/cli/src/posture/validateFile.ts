import type * as z from "zod";
import { PostureInputError } from "./PostureInputError.ts";

/**
 * The value checked against its schema; the first problem is a PostureInputError naming the file
 * and the field (`prefix.path`) at fault.
 */
export function validateFile<T>(file: string, schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  throw new PostureInputError(file, `${path || "(top level)"}: ${issue?.message ?? "invalid"}`);
}
