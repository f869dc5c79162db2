/** The SDK's error name (its exception code: ValidationError, AccessDeniedException, ...). */
export function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? "Error";
}

/** "AccessDeniedException: User ... is not authorized ...": what a reader needs to act on a failed call. */
export function describeError(error: unknown): string {
  const message = (error as { message?: string } | null)?.message;
  const name = errorName(error);
  return message && message !== name ? `${name}: ${message}` : name;
}

/** Each service spells refusal its own way (IAM AccessDenied, SNS AuthorizationError, ...). */
export function isAccessDenied(error: unknown): boolean {
  return /^(AccessDenied|AuthorizationError|UnauthorizedOperation)/.test(errorName(error));
}

/** The line for a call that failed: the deployment may be fine, the doctor just could not see. */
export function couldNotCheck(call: string, error: unknown): { detail: string; action: string } {
  return {
    detail: `could not check: ${call}: ${describeError(error)}`,
    action: isAccessDenied(error) ? `allow ${call} to the credentials you run vigil doctor with, or run it as a role that has it` : "run vigil doctor again; if it persists, check the service's health and your network",
  };
}
