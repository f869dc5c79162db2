import { InputError, MiB } from "@vigil/cloudtrail";
import { type AuthorizationDetails, authorizationDetailsSchema } from "@vigil/core";
import { parseJsonText, readInputFile } from "../posture/inputFile.ts";

/** An account's authorization details run to tens of MB for thousands of roles; far more is not the file. */
export const POLICIES_FILE_LIMIT = 512 * MiB;

/**
 * `--policies FILE`: what `aws iam get-account-authorization-details` writes, checked. Where the
 * details come from ends here: the report is made from an AuthorizationDetails however read.
 *
 * @throws InputError naming the file and what is wrong with it (exit 2).
 */
export async function readPoliciesFile(file: string): Promise<AuthorizationDetails> {
  const value = parseJsonText(file, await readInputFile(file, POLICIES_FILE_LIMIT));
  const parsed = authorizationDetailsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, `not the output of aws iam get-account-authorization-details: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`);
  }
  return parsed.data;
}
