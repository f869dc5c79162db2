import { Stack } from "aws-cdk-lib";
import { CfnEventBusPolicy } from "aws-cdk-lib/aws-events";
import type { Construct } from "constructs";
import type { OrganizationStageSettings } from "../stageConfig.ts";

/**
 * Lets the accounts of the organization, and no one else, put events on the home region's default
 * bus: the spokes' forwarding roles do so from each member account. PutEvents only, so a member
 * account cannot change the bus or its rules.
 */
export function allowOrganizationOnHomeBus(scope: Construct, organization: OrganizationStageSettings): CfnEventBusPolicy {
  const stack = Stack.of(scope);
  return new CfnEventBusPolicy(scope, "OrganizationPutsEvents", {
    eventBusName: "default",
    statementId: "VigilOrganizationPutsEvents",
    statement: {
      Effect: "Allow",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: stack.formatArn({ service: "events", resource: "event-bus", resourceName: "default" }),
      Condition: { StringEquals: { "aws:PrincipalOrgID": organization.id } },
    },
  });
}
