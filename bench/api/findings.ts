/**
 * Findings shaped as Vigil makes them, in the mix a busy organisation collects over 90 days: the
 * real rules and posture checks (their ids, titles, severities, texts and references), skewed as
 * real traffic is, so that the store's partitions have realistic sizes and each page serialises
 * what the API really sends. Seeded: the same count gives the same findings on every machine.
 */
import { catalogue, type Finding, type FindingStatus, findingId, postureChecks, type RuleMetadata, severityRank } from "@vigil/core";
import { Prng } from "../scan/Prng.ts";

/** The instant the data set ends at: the store's clock in the benchmark. */
export const NOW_MS = Date.parse("2026-12-01T00:00:00.000Z");
const SPAN_MS = 90 * 86_400_000;

const ACCOUNT_COUNT = 20;
/** Callers per account: people, automation users, role sessions and root. */
const PRINCIPALS_PER_ACCOUNT = 100;
const POSTURE_SHARE = 0.15;
const REGIONS = ["us-east-1", "us-east-1", "us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];
/** What rules that name no event (root activity, refused calls) see most. */
const ANY_CALL = [
  ["ec2.amazonaws.com", "DescribeInstances"],
  ["s3.amazonaws.com", "ListBuckets"],
  ["iam.amazonaws.com", "ListUsers"],
  ["kms.amazonaws.com", "Decrypt"],
  ["sts.amazonaws.com", "GetCallerIdentity"],
] as const;

interface Source {
  meta: RuleMetadata;
  /** [eventSource, eventName] pairs the rule sees; empty for a posture check. */
  calls: readonly (readonly [string, string])[];
  /** Threshold rules report a window of events. */
  threshold: boolean;
}

/** `count` findings over the 90 days before NOW_MS; `seed` picks which. */
export function generateFindings(count: number, seed = 7): Finding[] {
  const random = new Prng(seed);
  const events = catalogue.map(
    (rule): Source => ({
      meta: rule.meta,
      calls: rule.selectors.flatMap((selector) =>
        selector.eventSource && selector.eventNames ? selector.eventNames.map((name) => [selector.eventSource as string, name] as const) : ANY_CALL,
      ),
      threshold: rule.kind === "threshold",
    }),
  );
  const checks = postureChecks.map((check): Source => ({ meta: check.meta, calls: [], threshold: false }));
  // Few critical findings, many low and medium ones: within each kind, the least severe rules fire most.
  const eventPick = zipfPicker(random, bySeverityAscending(events));
  const checkPick = zipfPicker(random, bySeverityAscending(checks));
  const accounts = Array.from({ length: ACCOUNT_COUNT }, () => String(random.between(100_000_000_000, 999_999_999_999)));
  const accountPick = zipfPicker(random, accounts);
  const principalPicks = new Map(accounts.map((account) => [account, zipfPicker(random, principalsOf(random, account))]));

  return Array.from({ length: count }, (_, n) => {
    const account = accountPick();
    const principal = principalPicks.get(account)!();
    const posture = random.chance(POSTURE_SHARE);
    const source = posture ? checkPick() : eventPick();
    const ms = NOW_MS - Math.floor(random.next() * SPAN_MS);
    const status = statusAt(random, (NOW_MS - ms) / SPAN_MS);
    return posture ? postureFinding(random, source.meta, { n, account, principal, ms, status }) : eventFinding(random, source, { n, account, principal, ms, status });
  });
}

interface Draw {
  n: number;
  account: string;
  principal: string;
  ms: number;
  status: FindingStatus;
}

function eventFinding(random: Prng, source: Source, { account, principal, ms, status }: Draw): Finding {
  const [eventSource, eventName] = random.pick(source.calls);
  const eventIds = Array.from({ length: source.threshold ? random.between(5, 12) : 1 }, () => random.uuid());
  const resource = `arn:aws:iam::${account}:${random.pick(["user", "role", "policy"])}/${random.pick(["app", "ci", "data", "ops", "web"])}-${random.int(400)}`;
  const eventTime = new Date(ms - (ms % 1000)).toISOString().replace(".000Z", "Z");
  const actor = principal.slice(principal.lastIndexOf(":") + 1);
  return {
    id: findingId(source.meta.id, eventIds, resource),
    ruleId: source.meta.id,
    title: source.meta.title,
    severity: source.meta.severity,
    status,
    eventId: eventIds.at(-1)!,
    ...(eventIds.length > 1 ? { eventIds } : {}),
    eventName,
    eventSource,
    eventTime,
    account,
    region: eventSource === "signin.amazonaws.com" ? "us-east-1" : random.pick(REGIONS),
    principal,
    resource,
    sourceIPAddress: `203.0.${random.int(114)}.${random.between(1, 254)}`,
    summary: `${actor} called ${eventName} on ${resource.slice(resource.lastIndexOf(":") + 1)}${eventIds.length > 1 ? ` (${eventIds.length} times in the window)` : ""}.`,
    description: source.meta.description,
    remediation: source.meta.remediation,
    references: source.meta.references,
    detectedAt: new Date(ms + random.between(20_000, 120_000)).toISOString(),
    details: { eventName, requestId: random.uuid(), userAgent: random.pick(["console.amazonaws.com", "aws-cli/2.17.0", "Boto3/1.35.0", "terraform/1.9.5"]) },
  };
}

function postureFinding(random: Prng, meta: RuleMetadata, { n, account, principal, ms, status }: Draw): Finding {
  // Checks run daily at 06:00 (the last run at or before `ms`); a finding keeps being seen until it is fixed.
  const run = ms - ((ms - 6 * 3_600_000) % 86_400_000);
  const subject = principal.includes(":user/") ? principal : `arn:aws:iam::${account}:root`;
  return {
    // The real key names the credential or setting (one user may have several); `n` stands in for it, so ids stay unique.
    id: findingId(meta.id, [], `${subject}#${n}`),
    ruleId: meta.id,
    title: meta.title,
    severity: meta.severity,
    status,
    account,
    region: "us-east-1",
    principal: subject,
    resource: subject,
    summary: `${subject.slice(subject.lastIndexOf(":") + 1)}: ${meta.title.toLowerCase()}.`,
    description: meta.description,
    remediation: meta.remediation,
    references: meta.references,
    detectedAt: new Date(run).toISOString(),
    lastSeenAt: new Date(Math.min(NOW_MS, run + random.int(30) * 86_400_000)).toISOString(),
  };
}

/** People, automation users, the account's root, and sessions of a few roles. */
function principalsOf(random: Prng, account: string): string[] {
  return Array.from({ length: PRINCIPALS_PER_ACCOUNT }, (_, n) => {
    if (n === PRINCIPALS_PER_ACCOUNT - 1) return `arn:aws:iam::${account}:root`;
    if (n % 3 === 0) return `arn:aws:sts::${account}:assumed-role/${random.pick(["Admin", "Deploy", "ReadOnly", "Break-glass"])}/session-${n}`;
    return `arn:aws:iam::${account}:user/${n % 3 === 1 ? "person" : "automation"}-${n}`;
  });
}

/** New findings are mostly open; the older, the more likely someone resolved them. */
function statusAt(random: Prng, age: number): FindingStatus {
  const weights: [FindingStatus, number][] = [
    ["open", 20 + 50 * (1 - age)],
    ["acknowledged", 15],
    ["suppressed", 10],
    ["resolved", 10 + 40 * age],
  ];
  let draw = random.next() * weights.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [status, weight] of weights) if ((draw -= weight) < 0) return status;
  return "resolved";
}

function bySeverityAscending(sources: Source[]): Source[] {
  return [...sources].sort((a, b) => severityRank(a.meta.severity) - severityRank(b.meta.severity));
}

/** Draws items with weight 1/rank: a few take most, as rules, accounts and callers do. */
function zipfPicker<T>(random: Prng, items: readonly T[]): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= items.length; rank++) cumulative.push((total += 1 / rank));
  return () => {
    const draw = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! > draw) high = middle;
      else low = middle + 1;
    }
    return items[low] as T;
  };
}
