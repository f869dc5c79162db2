/**
 * How a recorded call ended, for least privilege:
 * - `success`: no errorCode. Proof the principal needed and held the action.
 * - `denied`: an authorization failure (the codes below, or AWS's "is not authorized to perform"
 *   message, which some services pair with codes of their own). Proof of an attempt, not of a grant.
 * - `failed`: any other error (NoSuchEntity, ValidationException, throttling). Most services
 *   authorize before they act, but not all of them before they validate, so a failure proves
 *   neither need nor grant: such calls are reported apart and count as use nowhere.
 */
export type CallOutcome = "success" | "denied" | "failed";

/** Error codes AWS services use for a request IAM (or a resource policy, SCP, boundary) refused. */
const DENIAL_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Client.AccessDenied",
  "UnauthorizedOperation",
  "Client.UnauthorizedOperation",
  "UnauthorizedAccess",
  "Client.UnauthorizedAccess",
  "UnauthorizedAccessException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "Forbidden",
]);

export function callOutcome(errorCode: string | undefined, errorMessage: string | undefined): CallOutcome {
  if (errorCode === undefined || errorCode === "") return "success";
  if (DENIAL_CODES.has(errorCode) || (errorMessage ?? "").includes("is not authorized to perform")) return "denied";
  return "failed";
}
