import * as z from "zod";

/** Reads the handler's settings from the environment the stack sets, naming any that is missing or malformed. */
export function readEnv<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new Error(`environment: ${problems}`);
}

/**
 * The variables of a handler's environment schema as the stack writes them, as text: a stack
 * module that leaves one out or names one the handler does not read fails type-checking.
 */
export type EnvironmentVariables<T extends z.ZodRawShape> = {
  [Name in keyof T as T[Name] extends z.ZodOptional<z.ZodType> ? never : Name]: string;
} & {
  // A variable the handler reads as optional (organization mode only) may be left out.
  [Name in keyof T as T[Name] extends z.ZodOptional<z.ZodType> ? Name : never]?: string;
};

export const tableName = z.string().min(1);
export const arn = z.string().startsWith("arn:");
/** Days a resolved finding is kept (the stage's retentionDays). */
export const retentionDays = z.coerce.number().positive().default(90);

/**
 * "true" when findings are exported (Security Hub, OCSF on S3): every function that creates a
 * finding or changes its status then marks it for the export sweep. Absent: exported nowhere.
 */
export const exportChanges = z
  .enum(["true", "false"])
  .default("false")
  .transform((value) => value === "true");

/** JSON text, parsed: malformed text is an issue of its variable, not a bare SyntaxError at start-up. */
export const json = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    context.addIssue({ code: "custom", message: `not JSON (${(error as Error).message})` });
    return z.NEVER;
  }
});
