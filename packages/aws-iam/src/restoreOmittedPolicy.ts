import type { IAMClient } from "@aws-sdk/client-iam";
import { type CloudTrailEvent, omittedPolicyLookup, type PolicyLookup, withPolicyDocument } from "@vigil/core";
import { PolicyFetchError } from "./errors.ts";
import { fetchPolicyDocument } from "./fetchPolicyDocument.ts";

export interface RestoredEvent {
  /** The event with the fetched document put back; the event as it came when nothing was fetched. */
  event: CloudTrailEvent;
  fetched: boolean;
  /** The IAM read tried, when the record named what to read. */
  lookup?: PolicyLookup;
  /** Why the read failed; the event then goes on as it came and policy-document-omitted reports it. */
  error?: PolicyFetchError;
}

/**
 * Before the engine: gives a policy-writing event whose document CloudTrail omitted the document
 * read from IAM, so the policy rules check it. Any other event comes back as it is, unread.
 *
 * @throws only what is not a PolicyFetchError (a bug); a failed read is returned in `error`.
 */
export async function restoreOmittedPolicy(client: IAMClient, event: CloudTrailEvent): Promise<RestoredEvent> {
  const lookup = omittedPolicyLookup(event);
  if (!lookup) return { event, fetched: false };
  try {
    const document = await fetchPolicyDocument(client, lookup);
    return { event: withPolicyDocument(event, lookup, document), fetched: true, lookup };
  } catch (error) {
    if (!(error instanceof PolicyFetchError)) throw error;
    return { event, fetched: false, lookup, error };
  }
}
