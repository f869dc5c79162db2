/**
 * The real IAM actions, for wildcard expansion. Core defines the shape; an adapter fills it from a
 * maintained data package, so core does no I/O.
 */
export interface ActionIndex {
  /** Lower-case service prefixes (`iam`, `s3`, ...). */
  services(): readonly string[];
  /** Action names of one service, as AWS spells them (`CreatePolicyVersion`), or undefined for an unknown service. */
  actions(service: string): readonly string[] | undefined;
}
