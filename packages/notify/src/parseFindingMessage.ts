import { type Finding, findingSchema } from "@vigil/core";
import { invalidInput, parseJson } from "./invalidInput.ts";

/**
 * The finding in a notification's message (the SNS `Message` a machine subscriber receives),
 * validated; an InvalidInputError names the first bad field.
 */
export function parseFindingMessage(text: string): Finding {
  const value = parseJson(text, "finding message");
  const result = findingSchema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, value, "finding message");
  return result.data;
}
