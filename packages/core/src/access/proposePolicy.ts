import type { ActionResources } from "./ActionResources.ts";
import type { ActionUse } from "./ActionUsage.ts";
import { wildcardMatch } from "../policy/wildcard.ts";
import { scopedPattern } from "./arnTemplate.ts";

/** An identity policy allowing exactly the calls seen: IAM's JSON form, ready to print. */
export interface ProposedPolicy {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string[] }[];
}

/** How an action's Resource was chosen, for the limits the output states. */
export interface ResourceChoice {
  action: string;
  /** `seen`: the ARNs the calls named. `scoped`: the account-wide pattern of each resource type. `any`: the action takes no resource. */
  kind: "seen" | "scoped" | "any";
  /** For `scoped`: why the ARNs seen would not do. */
  reason?: "no resource seen" | "some calls named no resource" | "more resources than kept";
}

/**
 * The policy that allows the successful calls and nothing else the calls do not need: one Allow
 * per service and resource list, actions sorted, statements sorted, each with a Sid.
 * - An action that takes no resource gets `"*"`, the only Resource IAM accepts for it.
 * - An action whose every call named a resource of its types gets those ARNs.
 * - Otherwise (no resource read from a call, or more than were kept) each of its resource types'
 *   ARN templates, with the partition, region and account the calls were made in and `*` for
 *   the rest: wider than the calls, still inside the account.
 */
export function proposePolicy(used: readonly ActionUse[], resources: ActionResources): { policy: ProposedPolicy; choices: ResourceChoice[] } {
  const choices: ResourceChoice[] = [];
  const groups = new Map<string, { service: string; actions: Set<string>; resources: string[] }>();
  for (const use of used) {
    const action = `${use.service}:${use.action}`;
    const templates = resources.arnTemplates(use.service, use.action) ?? [];
    let listed: string[];
    if (templates.length === 0) {
      listed = ["*"];
      choices.push({ action, kind: "any" });
    } else if (use.resources.length > 0 && use.callsWithoutResource === 0 && use.callsOnOtherResources === 0) {
      listed = use.resources;
      choices.push({ action, kind: "seen" });
    } else {
      listed = scopedPatterns(use, templates);
      const reason = use.resources.length === 0 ? "no resource seen" : use.callsOnOtherResources > 0 ? "more resources than kept" : "some calls named no resource";
      choices.push({ action, kind: "scoped", reason });
    }
    listed = [...new Set(listed)].sort();
    const key = `${use.service}\u0000${listed.join("\u0000")}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { service: use.service, actions: new Set(), resources: listed }));
    group.actions.add(action);
  }
  const statements = [...groups.values()]
    .map((group) => ({ service: group.service, actions: [...group.actions].sort(), resources: group.resources }))
    .sort((a, b) => compare(a.service, b.service) || compare(a.actions[0] as string, b.actions[0] as string));
  const perService = new Map<string, number>();
  const Statement = statements.map((statement) => {
    const index = (perService.get(statement.service) ?? 0) + 1;
    perService.set(statement.service, index);
    return { Sid: `${sidOf(statement.service)}${index}`, Effect: "Allow" as const, Action: statement.actions, Resource: statement.resources };
  });
  return { policy: { Version: "2012-10-17", Statement }, choices };
}

/**
 * Each template narrowed to where the calls were made (a field seen with several values stays
 * `*`), plus the ARNs seen that fall outside them: a resource in another account is named, not lost.
 */
function scopedPatterns(use: ActionUse, templates: readonly string[]): string[] {
  const only = (values: readonly string[]) => (values.length === 1 ? values[0] : undefined);
  const scope = { partition: only(use.partitions) ?? "*", region: only(use.regions), account: only(use.accounts) ?? "*" };
  const patterns = templates.map((template) => scopedPattern(template, scope));
  return [...patterns, ...use.resources.filter((arn) => !patterns.some((pattern) => wildcardMatch(pattern, arn)))];
}

/** `s3-object-lambda` → `S3ObjectLambda`: a Sid is letters and digits only. */
function sidOf(service: string): string {
  return service
    .split(/[^a-z0-9]+/i)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
