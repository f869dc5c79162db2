import type { OrganizationSettings } from "@vigil/monitor";
import { Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";

/**
 * The Organizations calls the inventory reader makes, and nothing else: the organization and its
 * roots (Organizations offers no resource to scope those two to), then the OUs and accounts under
 * each root and OU of this organization, whose ARNs carry the management account and the
 * organization id.
 */
export function organizationReadStatements(scope: Construct, organization: OrganizationSettings): PolicyStatement[] {
  const stack = Stack.of(scope);
  const parent = (resource: "root" | "ou", prefix: string) =>
    stack.formatArn({ service: "organizations", region: "", account: organization.managementAccountId, resource, resourceName: `${organization.id}/${prefix}-*` });
  return [
    new PolicyStatement({ sid: "DescribeOrganization", actions: ["organizations:DescribeOrganization", "organizations:ListRoots"], resources: ["*"] }),
    new PolicyStatement({
      sid: "ListOrganizationTree",
      actions: ["organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent"],
      resources: [parent("root", "r"), parent("ou", "ou")],
    }),
  ];
}

/** The ORGANIZATION variable of the posture and evaluate functions: the settings without the StackSet's targets. */
export function organizationVariable(organization: OrganizationSettings): string {
  const { id, managementAccountId, auditRoleName, postureConcurrency } = organization;
  return JSON.stringify({ id, managementAccountId, auditRoleName, postureConcurrency });
}
