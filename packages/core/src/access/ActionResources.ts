/**
 * Which resources each IAM action acts on, from the Service Authorization Reference. Core defines
 * the shape; an adapter fills it from a data package, so core does no I/O.
 */
export interface ActionResources {
  /**
   * ARN templates of the resource types the action takes (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`);
   * empty when the action takes no resource (only `"*"` can name it); undefined for an action the
   * reference does not know.
   */
  arnTemplates(service: string, action: string): readonly string[] | undefined;
}
