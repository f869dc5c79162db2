import { type PolicyLookup, VigilError } from "@vigil/core";

/**
 * Why a document could not be read from IAM:
 * - `NoSuchEntity`: the policy, version, user, group or role is gone (deleted since the event).
 * - `AccessDenied`: the monitor's role may not make the call.
 * - `OtherAccount`: IAM answered for an entity of another account than the event's (the client
 *   reads the wrong account).
 * - `NoDocument`: IAM answered without a readable document.
 * - `Failed`: anything else (throttling after the SDK's retries, ServiceFailure, network).
 */
export type PolicyFetchReason = "NoSuchEntity" | "AccessDenied" | "OtherAccount" | "NoDocument" | "Failed";

/** An IAM read for an omitted policy document that did not return it. */
export class PolicyFetchError extends VigilError {
  readonly call: PolicyLookup["call"];
  readonly input: PolicyLookup["input"];
  readonly reason: PolicyFetchReason;
  /** The AWS error name when IAM refused (NoSuchEntityException, AccessDenied, Throttling, ...). */
  readonly code: string | undefined;
  constructor(lookup: PolicyLookup, reason: PolicyFetchReason, detail: string, options?: { code?: string; cause?: unknown }) {
    super(`iam:${lookup.call} ${Object.values(lookup.input).join(" ")}: ${reason}: ${detail}`, options);
    this.call = lookup.call;
    this.input = lookup.input;
    this.reason = reason;
    this.code = options?.code;
  }
}
