import type { SnapshotProblem } from "@vigil/aws-iam";
import { printable, type SkippedCheck } from "@vigil/core";

/** The parts of the account a live read could not get, one a line, naming the failed call. */
export function describeProblems(problems: readonly SnapshotProblem[]): string {
  if (problems.length === 0) return "";
  // An AWS error message can quote a name the account holds: escaped, as every value shown.
  const lines = problems.map((problem) => `  ${problem.part}: ${printable(problem.error)}`);
  return `Could not read ${problems.length === 1 ? "1 part" : `${problems.length} parts`} of the account:\n${lines.join("\n")}\n`;
}

/**
 * The checks that did not run (or ran over only part of their input), one a line with the reason.
 * Offline, the note says where the rest of the checks' inputs come from.
 */
export function describeSkipped(skipped: readonly SkippedCheck[], offline: boolean): string {
  if (skipped.length === 0) return "";
  const width = Math.max(...skipped.map((entry) => entry.checkId.length));
  const lines = skipped.map((entry) => `  ${entry.checkId.padEnd(width)}  ${printable(entry.reason)}`);
  const ids = new Set(skipped.map((entry) => entry.checkId));
  const note = offline
    ? "Offline, the checks read only the credential report, --password-policy, --account-summary, --authorization-details and --last-accessed; run vigil posture without --credential-report, with AWS credentials, for the rest.\n"
    : "";
  return `Skipped ${ids.size === 1 ? "1 check" : `${ids.size} checks`}:\n${lines.join("\n")}\n${note}`;
}
