import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Rule } from "aws-cdk-lib/aws-events";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { opsTopicName, spokeAlarmPrefix } from "../organization/names.ts";
import type { StageConfig } from "../stageConfig.ts";
import { MAX_RECEIVE_COUNT } from "./queues.ts";
import { createTopicKey } from "./topicKey.ts";
import { METRICS_NAMESPACE, serviceName } from "./vigilFunction.ts";

const CLOUDWATCH = "cloudwatch.amazonaws.com";

/**
 * The topic the operational alarms notify, encrypted; CloudWatch may use its key and publish to it
 * from this account's alarms only. In organization mode the spokes' alarms in the organization's
 * accounts notify it too: it gets a name they can build its ARN from, and CloudWatch may publish
 * for alarms of the organization named as spoke alarms (the key already lets CloudWatch use it,
 * from any account, as SNS needs for an encrypted topic).
 */
export function createOpsTopic(scope: Construct, config: StageConfig): Topic {
  const stack = Stack.of(scope);
  const key = createTopicKey(scope, "OpsTopicKey", "Vigil operations topic", config, [CLOUDWATCH]);
  const topic = new Topic(scope, "OpsTopic", {
    displayName: "Vigil operations",
    masterKey: key,
    enforceSSL: true,
    ...(config.organization ? { topicName: opsTopicName(config.stage) } : {}),
  });
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: "CloudWatchAlarmsOfThisAccount",
      principals: [new ServicePrincipal(CLOUDWATCH)],
      actions: ["sns:Publish"],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { "aws:SourceAccount": stack.account },
        ArnLike: { "aws:SourceArn": stack.formatArn({ service: "cloudwatch", resource: "alarm", resourceName: "*", arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }),
  );
  if (config.organization) {
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsOfTheOrganizationsSpokes",
        principals: [new ServicePrincipal(CLOUDWATCH)],
        actions: ["sns:Publish"],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceOrgID": config.organization.id },
          ArnLike: {
            "aws:SourceArn": stack.formatArn({
              service: "cloudwatch",
              account: "*",
              resource: "alarm",
              resourceName: `${spokeAlarmPrefix(config.stage)}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
  for (const email of config.opsEmails) topic.addSubscription(new EmailSubscription(email));
  return topic;
}

/** Alarms when anything at all happens: one dead letter, one error, one throttle. */
function alarmOnAny(scope: Construct, id: string, metric: IMetric, description: string, topic: ITopic): Alarm {
  return alarmWhenAbove(scope, id, metric, 0, 1, description, topic);
}

export function alarmOnDeadLetters(
  scope: Construct,
  id: string,
  queue: IQueue,
  topic: ITopic,
  description = `Messages in ${id}'s dead-letter queue: its consumer failed them ${MAX_RECEIVE_COUNT} times; inspect and redrive them.`,
): Alarm {
  const metric = queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" });
  return alarmOnAny(scope, `${id}DeadLettersAlarm`, metric, description, topic);
}

export function alarmOnFunction(scope: Construct, id: string, fn: IFunction, topic: Topic): Alarm[] {
  const period = Duration.minutes(5);
  return [
    alarmOnAny(scope, `${id}ErrorsAlarm`, fn.metricErrors({ period, statistic: "Sum" }), `The ${id} function failed.`, topic),
    alarmOnAny(scope, `${id}ThrottlesAlarm`, fn.metricThrottles({ period, statistic: "Sum" }), `The ${id} function was throttled.`, topic),
  ];
}

/** A metric a Vigil function emits, with the namespace and `service` dimension Powertools gives it. */
export function vigilMetric(service: string, metricName: string, statistic: "Sum" | "Maximum", period = Duration.minutes(5)): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: serviceName(service) }, period, statistic });
}

/** Alarms when `metric` stays above `threshold` for `periods` periods in a row: a condition that persists, not a blip. */
export function alarmWhenAbove(scope: Construct, id: string, metric: IMetric, threshold: number, periods: number, description: string, topic: ITopic): Alarm {
  const alarm = new Alarm(scope, id, {
    metric,
    alarmDescription: description,
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: periods,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** EventBridge could not deliver to the rule's target: those events are lost to Vigil, so say so at once. */
export function alarmOnRuleFailures(scope: Construct, rule: Rule, topic: ITopic, target = "the events queue"): Alarm {
  const metric = new Metric({
    namespace: "AWS/Events",
    metricName: "FailedInvocations",
    dimensionsMap: { RuleName: rule.ruleName },
    period: Duration.minutes(5),
    statistic: "Sum",
  });
  return alarmOnAny(scope, `${rule.node.id}FailuresAlarm`, metric, `EventBridge failed to deliver events of rule ${rule.node.id} to ${target}.`, topic);
}
