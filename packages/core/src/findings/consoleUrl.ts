import { isAwsRegion } from "./awsRegion.ts";
import type { Finding } from "./Finding.ts";

const IAM_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:(user|role|group|policy)\/(.+)$/;
const PARTITION_CONSOLE: Record<string, string> = {
  aws: "console.aws.amazon.com",
  "aws-cn": "console.amazonaws.cn",
  "aws-us-gov": "console.amazonaws-us-gov.com",
};

/** Console host of the region's partition (China and GovCloud have their own). */
function consoleHost(region: string): string {
  if (region.startsWith("cn-")) return "console.amazonaws.cn";
  if (region.startsWith("us-gov-")) return "console.amazonaws-us-gov.com";
  return `${region}.console.aws.amazon.com`;
}

/**
 * The CloudTrail console's Event history page of the finding's (last) event, in the event's region:
 * Event history holds 90 days of management events per region. A region that is not a region name
 * gets the global console, which opens the user's last region, rather than a link to a forged host.
 */
export function eventConsoleUrl(finding: { region: string; eventId: string }): string {
  const eventId = encodeURIComponent(finding.eventId);
  if (!isAwsRegion(finding.region)) return `https://console.aws.amazon.com/cloudtrailv2/home#/events/${eventId}`;
  return `https://${consoleHost(finding.region)}/cloudtrailv2/home?region=${finding.region}#/events/${eventId}`;
}

/**
 * The IAM console page of an IAM user, role, group or policy ARN; undefined for anything else (the
 * account root, an STS session, another service's resource), which has no page of its own there.
 */
export function iamConsoleUrl(arn: string): string | undefined {
  const match = IAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, kind, path] = match as unknown as [string, string, string, string];
  const host = PARTITION_CONSOLE[partition];
  if (!host) return undefined;
  // Users, roles and groups are opened by name (the last path segment), policies by their ARN.
  const name = encodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  const page = kind === "policy" ? `policies/details/${encodeURIComponent(arn)}` : `${kind}s/details/${name}`;
  return `https://${host}/iam/home#/${page}`;
}

/** Where a reader goes to look: the event in CloudTrail, or for a posture finding (no event) the IAM console. */
export function consoleLink(finding: Pick<Finding, "region" | "eventId">): { url: string; label: string } {
  if (finding.eventId) return { url: eventConsoleUrl({ region: finding.region, eventId: finding.eventId }), label: "View the event in CloudTrail" };
  return { url: "https://console.aws.amazon.com/iam/home#/home", label: "Open IAM in the console" };
}
