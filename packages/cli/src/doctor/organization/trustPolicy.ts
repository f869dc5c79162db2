import * as z from "zod";

const stringOrList = z.union([z.string(), z.array(z.string())]).transform((value) => (Array.isArray(value) ? value : [value]));
const statementSchema = z.looseObject({
  Effect: z.string(),
  Action: stringOrList.optional(),
  Principal: z.union([z.literal("*"), z.looseObject({ AWS: stringOrList.optional() })]).optional(),
  Condition: z.unknown().optional(),
});
const policySchema = z.looseObject({ Statement: z.union([statementSchema, z.array(statementSchema)]) });

/** IAM hands trust policies back URL-encoded (RFC 3986), as it stores them. */
export function parseTrustPolicy(encoded: string): z.output<typeof policySchema> | undefined {
  try {
    const parsed = policySchema.safeParse(JSON.parse(decodeURIComponent(encoded)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const assumes = (actions: readonly string[]) => actions.some((action) => ["sts:assumerole", "sts:*", "*"].includes(action.toLowerCase()));

/**
 * Whether an Allow statement lets `roleArn` call sts:AssumeRole: naming it as the principal, or
 * naming its account and pinning it with a condition (aws:PrincipalArn). Deny statements and
 * conditions beyond that are not evaluated: this reads the policy, it does not simulate it.
 */
export function trusts(policy: z.output<typeof policySchema>, roleArn: string): boolean {
  const account = roleArn.split(":")[4] ?? "";
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.some((statement) => {
    if (statement.Effect !== "Allow" || !assumes(statement.Action ?? [])) return false;
    const principals = statement.Principal === "*" ? ["*"] : (statement.Principal?.AWS ?? []);
    if (principals.includes(roleArn)) return true;
    const accountWide = principals.some((principal) => principal === account || principal === `arn:aws:iam::${account}:root`);
    return accountWide && JSON.stringify(statement.Condition ?? {}).includes(roleArn);
  });
}

/** The AWS principals an Allow statement names, for saying whom the role trusts instead. */
export function trustedPrincipals(policy: z.output<typeof policySchema>): string[] {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.flatMap((statement) => (statement.Effect !== "Allow" ? [] : statement.Principal === "*" ? ["*"] : (statement.Principal?.AWS ?? [])));
}
