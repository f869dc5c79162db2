import {
  GetGroupPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import type { PolicyLookup } from "@vigil/core";
import { decodePolicyDocument } from "./decodePolicyDocument.ts";
import { PolicyFetchError } from "./errors.ts";

/**
 * Reads the policy document a lookup names from IAM and returns it as JSON text. The client must
 * read the event's account (`lookup.account`): GetRole's answer is checked against it, the inline
 * policy reads answer no ARN to check.
 *
 * @throws PolicyFetchError naming the call and why it failed; nothing is swallowed.
 */
export async function fetchPolicyDocument(client: IAMClient, lookup: PolicyLookup): Promise<string> {
  switch (lookup.call) {
    case "GetPolicyVersion": {
      const output = await send(lookup, () => client.send(new GetPolicyVersionCommand(lookup.input)));
      return decoded(lookup, output.PolicyVersion?.Document, "PolicyVersion.Document");
    }
    case "GetUserPolicy": {
      const output = await send(lookup, () => client.send(new GetUserPolicyCommand(lookup.input)));
      return decoded(lookup, output.PolicyDocument, "PolicyDocument");
    }
    case "GetGroupPolicy": {
      const output = await send(lookup, () => client.send(new GetGroupPolicyCommand(lookup.input)));
      return decoded(lookup, output.PolicyDocument, "PolicyDocument");
    }
    case "GetRolePolicy": {
      const output = await send(lookup, () => client.send(new GetRolePolicyCommand(lookup.input)));
      return decoded(lookup, output.PolicyDocument, "PolicyDocument");
    }
    case "GetRole": {
      const output = await send(lookup, () => client.send(new GetRoleCommand(lookup.input)));
      const arn = output.Role?.Arn;
      const account = arn?.split(":")[4];
      if (account !== lookup.account) {
        throw new PolicyFetchError(lookup, "OtherAccount", `IAM answered with role ${arn ?? "(no Role.Arn)"}, not a role of account ${lookup.account}`);
      }
      return decoded(lookup, output.Role?.AssumeRolePolicyDocument, "Role.AssumeRolePolicyDocument");
    }
  }
}

async function send<T>(lookup: PolicyLookup, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = error instanceof Error ? error.name : undefined;
    const message = error instanceof Error ? error.message : String(error);
    throw new PolicyFetchError(lookup, reasonOf(error), message, { ...(code ? { code } : {}), cause: error });
  }
}

function reasonOf(error: unknown): "NoSuchEntity" | "AccessDenied" | "Failed" {
  const name = error instanceof Error ? error.name : "";
  if (name === "NoSuchEntityException" || name === "NoSuchEntity") return "NoSuchEntity";
  // IAM's query protocol answers the code AccessDenied; its JSON-compatible form AccessDeniedException.
  if (name === "AccessDenied" || name === "AccessDeniedException") return "AccessDenied";
  return "Failed";
}

function decoded(lookup: PolicyLookup, document: string | undefined, field: string): string {
  if (document === undefined || document === "") throw new PolicyFetchError(lookup, "NoDocument", `the answer has no ${field}`);
  try {
    return decodePolicyDocument(document);
  } catch (cause) {
    throw new PolicyFetchError(lookup, "NoDocument", `${field} is not valid URL encoding`, { cause });
  }
}
