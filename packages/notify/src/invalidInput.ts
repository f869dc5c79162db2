import { InvalidInputError } from "@vigil/core";
import type { z } from "zod";

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The first issue of a failed parse of `value` as core's InvalidInputError, naming the field. */
export function invalidInput(error: z.ZodError, value: unknown, source: string): InvalidInputError {
  const issue = error.issues[0];
  if (!issue) return new InvalidInputError("invalid", "", { source });
  const missing = issue.path.length > 0 && valueAt(value, issue.path) === undefined;
  return new InvalidInputError(missing ? "required field is missing" : issue.message, issue.path.map(String).join("."), { source });
}

/** JSON.parse with an InvalidInputError that says where the text came from. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`not valid JSON (${(error as Error).message})`, "", { source, cause: error });
  }
}
