import type { AuthorizationDetails } from "@vigil/core";

/** The account's policies for `--policies`, and where they came from. */
export interface PoliciesRead {
  details: AuthorizationDetails;
  /** How the report names where they came from: the file, or the account read. */
  source: string;
}
