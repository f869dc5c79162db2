import type { Template } from "aws-cdk-lib/assertions";
import type { SynthesizedStack } from "../../stacks/synthesize.ts";

/** Lookups in a synthesized template by resource type and construct id, since logical ids carry a hash. */

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export type Statement = Record<string, unknown>;

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The one resource of `type` whose logical id is the construct id `id` plus CDK's hash. */
export function only(template: Template, type: string, id: string): [string, Resource] {
  const found = Object.entries(resources(template, type)).filter(([logicalId]) => new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId));
  if (found.length !== 1) throw new Error(`expected one ${type} ${id}, found ${found.map(([logicalId]) => logicalId).join(", ") || "none"}`);
  return found[0] as [string, Resource];
}

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const arnOf = (logicalId: string) => ({ "Fn::GetAtt": [logicalId, "Arn"] });

/** Every statement of every policy a role has: inline, and AWS::IAM::Policy resources attached to it. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = resources(template, "AWS::IAM::Role")[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(resources(template, "AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(JSON.stringify(ref(roleId))))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** The logical id of the function with this handler path (the template only has SST's placeholder code). */
export function functionWithHandler(stack: SynthesizedStack, handler: string): string {
  const ids = Object.entries(stack.handlers).filter(([, path]) => path === handler);
  if (ids.length !== 1) throw new Error(`expected one function with handler ${handler}, found ${ids.length}`);
  return (ids[0] as [string, string])[0];
}

/** The role a function runs as. */
export function roleOf(template: Template, functionId: string): string {
  const fn = resources(template, "AWS::Lambda::Function")[functionId];
  const role = fn?.Properties?.Role as { "Fn::GetAtt": [string, string] } | undefined;
  if (!role) throw new Error(`function ${functionId} has no role reference`);
  return role["Fn::GetAtt"][0];
}

/** Order-insensitive, exact comparison of statement lists. */
export function sortedStatements(statements: readonly Statement[]): Statement[] {
  return [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
