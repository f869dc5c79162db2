import { type CloudFormationClient, DescribeStacksCommand, type Stack } from "@aws-sdk/client-cloudformation";
import { errorName } from "./awsError.ts";
import type { CheckStatus } from "./Check.ts";

/**
 * The stack named `name`, or undefined when there is none: CloudFormation answers a name it does
 * not know with a ValidationError "Stack with id ... does not exist", not a NotFound.
 */
export async function describeStack(client: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (error) {
    if (errorName(error) === "ValidationError" && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

const HEALTHY = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"]);

/** A stack's status in words, with what to do; `redeploy` is the command that deploys it again. */
export function judgeStackStatus(stack: Stack, region: string, redeploy: string): { status: CheckStatus; detail: string; action?: string } {
  const status = stack.StackStatus ?? "UNKNOWN";
  const name = stack.StackName ?? "the stack";
  const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : "";
  const events = `aws cloudformation describe-stack-events --stack-name ${name} --region ${region}`;
  if (HEALTHY.has(status)) return { status: "ok", detail: status };
  // A stack being changed is neither healthy nor broken yet.
  if (status.endsWith("_IN_PROGRESS") && !status.includes("ROLLBACK")) return { status: "warning", detail: `${status}: a change is under way`, action: "run vigil doctor again when it has finished" };
  if (status === "ROLLBACK_COMPLETE" || status === "ROLLBACK_FAILED") {
    return { status: "problem", detail: `${status}${reason}: its creation failed and nothing of it runs`, action: `read why in ${events}, delete it (aws cloudformation delete-stack --stack-name ${name} --region ${region}) and deploy again: ${redeploy}` };
  }
  if (status === "UPDATE_ROLLBACK_COMPLETE") {
    return { status: "problem", detail: `${status}${reason}: the last deploy failed and was rolled back; the previous version still runs`, action: `read why in ${events}, then deploy again: ${redeploy}` };
  }
  if (status === "UPDATE_ROLLBACK_FAILED") {
    return { status: "problem", detail: `${status}${reason}: the stack is stuck`, action: `aws cloudformation continue-update-rollback --stack-name ${name} --region ${region}, then deploy again: ${redeploy}` };
  }
  return { status: "problem", detail: `${status}${reason}`, action: `read why in ${events}, then deploy again: ${redeploy}` };
}
