import { type AuthorizationDetails, authorizationDetailsSchema } from "@vigil/core";
import { parseJsonText, POSTURE_FILE_LIMITS, readInputFile } from "./inputFile.ts";
import { PostureInputError } from "./PostureInputError.ts";
import { validateFile } from "./validateFile.ts";

const COMMAND = "aws iam get-account-authorization-details";

/**
 * What `aws iam get-account-authorization-details` writes, checked: for `vigil posture
 * --authorization-details` and `vigil least-privilege --policies`.
 *
 * @throws PostureInputError naming the file and the field at fault (exit 2).
 */
export async function readAuthorizationDetailsFile(file: string): Promise<AuthorizationDetails> {
  const text = await readInputFile(file, POSTURE_FILE_LIMITS.authorizationDetails);
  if (text.trim() === "") throw new PostureInputError(file, `the file is empty: ${COMMAND} writes nothing when it fails`);
  const value = parseJsonText(file, text);
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject || !["UserDetailList", "RoleDetailList", "GroupDetailList", "Policies"].some((key) => key in value)) {
    throw new PostureInputError(file, `expected what ${COMMAND} writes: {"UserDetailList": [...], "RoleDetailList": [...], ...}`);
  }
  return validateFile(file, authorizationDetailsSchema, value, "");
}
