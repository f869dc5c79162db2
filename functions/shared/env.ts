import * as z from "zod";

/** Reads the handler's settings from the environment the stack sets, naming any that is missing or malformed. */
export function readEnv<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new Error(`environment: ${problems}`);
}

export const tableName = z.string().min(1);
export const arn = z.string().startsWith("arn:");

/** JSON text, parsed: malformed text is an issue of its variable, not a bare SyntaxError at start-up. */
export const json = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    context.addIssue({ code: "custom", message: `not JSON (${(error as Error).message})` });
    return z.NEVER;
  }
});
