import { AwsCallError } from "@vigil/aws-iam";

/** A failed call in words for the findings it fails: its message, and how long it stayed throttled when that is why. */
export function callFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof AwsCallError && error.throttledAttempts !== undefined ? `${message} (still throttled after ${error.throttledAttempts} attempts)` : message;
}
