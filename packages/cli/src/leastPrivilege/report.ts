import { type ActionUse, atLeast, type NotIamUse, type ProposedPolicy, type ResourceChoice, type UnknowableAction, type UnusedAction, type UnusedGrants, type UsageSummary } from "@vigil/core";
import { plural } from "../options.ts";
import type { UsageStats } from "./gatherUsage.ts";
import type { PolicyCheckFinding } from "./policyCheck.ts";

/** `vigil least-privilege --format json`: one document; the table shows the same. */
export interface LeastPrivilegeReport {
  principal: string;
  window: { since: string; until: string };
  used: ActionUse[];
  denied: ActionUse[];
  /** Calls that failed with an error other than a denial: no proof of need, used nowhere else. */
  failed: ActionUse[];
  notIamActions: NotIamUse[];
  /** With --policies only. */
  unused?: UnusedAction[];
  unknowable: UnknowableAction[];
  proposedPolicy: ProposedPolicy;
  policyCheck: PolicyCheckFinding[];
  limits: string[];
  stats: { files: number; unreadableFiles: number; events: number; matched: number; untimed: number; skipped: number };
}

export interface ReportParts {
  principal: string;
  since: Date;
  until: Date;
  usage: UsageSummary;
  grants: { file: string; result: UnusedGrants | undefined } | undefined;
  proposal: { policy: ProposedPolicy; choices: ResourceChoice[] };
  policyCheck: PolicyCheckFinding[];
  stats: UsageStats;
}

export function buildReport(parts: ReportParts): LeastPrivilegeReport {
  const { usage, grants } = parts;
  return {
    principal: parts.principal,
    window: { since: parts.since.toISOString(), until: parts.until.toISOString() },
    used: usage.success,
    denied: usage.denied,
    failed: usage.failed,
    notIamActions: usage.notIam,
    ...(grants?.result ? { unused: grants.result.unused } : {}),
    unknowable: grants?.result?.unknowable ?? [],
    proposedPolicy: parts.proposal.policy,
    policyCheck: parts.policyCheck,
    limits: limitsOf(parts),
    stats: { files: parts.stats.files, unreadableFiles: parts.stats.filesSkipped, events: parts.stats.events, matched: parts.stats.matched, untimed: parts.stats.untimed, skipped: parts.stats.skipped },
  };
}

/** What the report cannot know, in the words a reader needs to judge it. */
function limitsOf({ usage, grants, proposal, policyCheck, stats }: ReportParts): string[] {
  const limits = [
    "Only calls in the archive count: management events always, data events (S3 objects, Lambda invocations, DynamoDB items, SNS publishes, SQS messages, ...) only where the trail recorded them.",
  ];
  const risky = policyCheck.filter((finding) => atLeast(finding.severity, "MEDIUM"));
  if (risky.length > 0) {
    limits.push(`Vigil's rules find the proposed policy risky (${risky.map((finding) => finding.ruleId).join(", ")}): the principal used these actions, so the proposal keeps them; review whether it should.`);
  }
  if (stats.untimed > 0) limits.push(`${plural(stats.untimed, "call")} of the principal ${stats.untimed === 1 ? "carries" : "carry"} no eventTime (CloudTrail writes one; the archive dropped it): counted whatever the window, and left out of first and last times.`);
  if (stats.skipped + stats.filesSkipped > 0) limits.push(`${plural(stats.filesSkipped, "file")} and ${plural(stats.skipped, "record")} could not be read (listed on stderr); their calls are not counted.`);
  if (usage.failed.length > 0) {
    limits.push(`${plural(usage.failed.length, "action")} called failed with an error other than a denial (see failed); a failure proves no need, so they are not in the proposed policy: add them if the work needs them.`);
  }
  if (usage.notIam.length > 0 || usage.notIamOther > 0) {
    limits.push(`Calls that name no IAM action in the catalogue (sign-in events, unknown services) are listed as not IAM actions and are not in the proposed policy${usage.notIamOther > 0 ? `; ${usage.notIamOther} more calls of further operations were counted, not named` : ""}.`);
  }
  for (const choice of proposal.choices) {
    if (choice.kind !== "scoped") continue;
    limits.push(`${choice.action}: ${choice.reason}; its Resource is each of its resource types in the partition, region and account seen, with * for the rest.`);
  }
  if (proposal.choices.some((choice) => choice.action.startsWith("iam:"))) limits.push("IAM ARNs built from a name in a request assume the default path /: a user or role with another path needs it added.");
  if (!grants) {
    limits.push("No --policies: granted but unused actions are not worked out.");
    return limits;
  }
  const result = grants.result;
  if (!result) {
    limits.push(`${grants.file} holds no user or role with this ARN: granted but unused actions are not worked out.`);
    return limits;
  }
  limits.push(
    "Granted actions are read from the identity policies in the account's details only: permissions boundaries, SCPs, resource policies and session policies are not read. " +
      "Only an unconditional Deny on every resource removes an action; a Deny on some resources does not.",
  );
  for (const arn of result.unreadable) limits.push(`Policy ${arn} is attached but the details do not hold its document: what it grants is unknown.`);
  for (const { policy, reason } of result.granted.unparsable) limits.push(`Policy ${policy} could not be read: ${reason}`);
  for (const { policy, statement, keys } of result.granted.conditions) {
    limits.push(`Policy ${policy} statement ${statement} grants under a condition (${keys.join(", ")}) that is not evaluated: read as granted.`);
  }
  if (result.unknowable.length > 0) limits.push(`${plural(result.unknowable.length, "granted action")} cannot be seen in this archive (see unknowable): they are not claimed unused.`);
  if (result.usedNotGranted.length > 0) {
    limits.push(`Used successfully but granted by no policy in the details (a resource policy, or a policy they lack): ${result.usedNotGranted.join(", ")}.`);
  }
  return limits;
}
