import { Stack } from "aws-cdk-lib";
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { removalPolicyFor } from "../removal.ts";
import type { StageConfig } from "../stageConfig.ts";

/** What the account's administrators may do with the key, named one by one rather than `kms:*`. */
const KEY_ADMINISTRATION = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What SNS does with a topic's key on a publisher's behalf. */
export const TOPIC_KEY_USE = ["kms:Decrypt", "kms:GenerateDataKey*"];

/**
 * A customer managed key for an SNS topic, rotated yearly. Its policy lets the account administer
 * it and lets IAM policies in the account grant its use (each Vigil role names the key it needs);
 * `services` may use it directly, which is how CloudWatch publishes alarms to an encrypted topic.
 */
export function createTopicKey(scope: Construct, id: string, description: string, config: StageConfig, services: readonly string[] = []): Key {
  const account = new AccountRootPrincipal();
  const statements = [
    new PolicyStatement({ sid: "AccountAdministersKey", principals: [account], actions: KEY_ADMINISTRATION, resources: ["*"] }),
    new PolicyStatement({ sid: "AccountIamGrantsKeyUse", principals: [account], actions: TOPIC_KEY_USE, resources: ["*"] }),
  ];
  if (services.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: "ServicesPublishToTopic",
        principals: services.map((service) => new ServicePrincipal(service)),
        actions: TOPIC_KEY_USE,
        resources: ["*"],
      }),
    );
  }
  return new Key(scope, id, {
    description: `${description} (${Stack.of(scope).stackName})`,
    enableKeyRotation: true,
    policy: new PolicyDocument({ statements }),
    removalPolicy: removalPolicyFor(config),
  });
}
