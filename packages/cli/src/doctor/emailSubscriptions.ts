import { paginateListSubscriptionsByTopic, type Subscription } from "@aws-sdk/client-sns";
import { couldNotCheck } from "./awsError.ts";
import { type Check, check } from "./Check.ts";
import type { ClientFactory } from "./clients.ts";
import { HOME_REGION } from "./homeRegion.ts";

/** SNS writes this in place of the ARN until the recipient clicks the link in the confirmation email. */
const PENDING = "PendingConfirmation";

/** "security@example.com" → "s***@example.com": enough to recognise, not enough to harvest from a CI log. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${address[0]}***${address.slice(at)}`;
}

/**
 * The email subscriptions of a topic: each pending one is a problem (its recipient gets nothing),
 * none at all a warning (the stage may rely on Slack alone).
 */
export async function checkEmailSubscriptions(client: ClientFactory, topic: { label: string; arn: string }): Promise<Check[]> {
  const subject = topic.label;
  let subscriptions: Subscription[] = [];
  try {
    for await (const page of paginateListSubscriptionsByTopic({ client: client("sns", HOME_REGION) }, { TopicArn: topic.arn })) subscriptions.push(...(page.Subscriptions ?? []));
  } catch (error) {
    const { detail, action } = couldNotCheck("sns:ListSubscriptionsByTopic", error);
    return [check("Notifications", "unchecked", subject, detail, action)];
  }
  subscriptions = subscriptions.filter((subscription) => subscription.Protocol === "email" || subscription.Protocol === "email-json");
  if (subscriptions.length === 0) {
    return [check("Notifications", "warning", subject, "no email subscription: nobody is emailed", `add addresses to alertEmails or opsEmails in the stage configuration and deploy`)];
  }
  const pending = subscriptions.filter((subscription) => subscription.SubscriptionArn === PENDING);
  const confirmed = subscriptions.length - pending.length;
  const checks = pending.map((subscription) =>
    check(
      "Notifications",
      "problem",
      subject,
      `${maskEmail(subscription.Endpoint ?? "")} has not confirmed its subscription and receives nothing`,
      `ask them to click the link in the "AWS Notification - Subscription Confirmation" email; to send it again: aws sns subscribe --region ${HOME_REGION} --topic-arn ${topic.arn} --protocol ${subscription.Protocol} --notification-endpoint <their address>`,
    ),
  );
  if (confirmed > 0) checks.unshift(check("Notifications", "ok", subject, `${confirmed} confirmed email subscription${confirmed === 1 ? "" : "s"}`));
  return checks;
}
