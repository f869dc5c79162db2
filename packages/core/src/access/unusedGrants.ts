import type { ActionIndex } from "../policy/ActionIndex.ts";
import type { ActionResources } from "./ActionResources.ts";
import type { ActionUse } from "./ActionUsage.ts";
import type { AuthorizationDetails } from "./AuthorizationDetails.ts";
import { dataEventTypeOf } from "./dataEvents.ts";
import { type GrantedActions, grantedActions } from "./grantedActions.ts";
import { principalOf } from "./principalPolicies.ts";
import { unloggedReason } from "./unloggedActions.ts";

export interface UnusedAction {
  action: string;
  /** Set when the action is logged only as a data event and the archive holds such events of its type. */
  note?: string;
}

export interface UnknowableAction {
  action: string;
  why: string;
}

export interface UnusedGrants {
  /** The user or role the details hold, by its IAM ARN. */
  principal: string;
  granted: GrantedActions;
  /** Granted, never called successfully, and CloudTrail would have shown a call. */
  unused: UnusedAction[];
  /** Granted, never seen, and the archive could not have shown it. */
  unknowable: UnknowableAction[];
  /** Called successfully though no policy in the details grants it: granted elsewhere (a resource policy, a policy the details lack). */
  usedNotGranted: string[];
  /** Managed policies attached to the principal whose documents the details lack. */
  unreadable: string[];
}

/**
 * What the principal holds and never used, from an account's authorization details however they
 * were obtained (a file the AWS CLI wrote, or read live): undefined when the details do not hold
 * the principal. `dataEventTypes` are the data event resource types the archive holds events of.
 */
export function unusedGrants(
  details: AuthorizationDetails,
  principalArn: string,
  used: readonly ActionUse[],
  dataEventTypes: ReadonlySet<string>,
  actions: ActionIndex,
  resources: ActionResources,
): UnusedGrants | undefined {
  const principal = principalOf(details, principalArn);
  if (!principal) return undefined;
  const granted = grantedActions(principal.policies, actions, resources);
  const calledLower = new Set(used.map((use) => `${use.service}:${use.action}`.toLowerCase()));
  const grantedLower = new Set(granted.actions.map((action) => action.toLowerCase()));
  const unused: UnusedAction[] = [];
  const unknowable: UnknowableAction[] = [];
  for (const action of granted.actions) {
    if (calledLower.has(action.toLowerCase())) continue;
    const unlogged = unloggedReason(action);
    const dataType = dataEventTypeOf(action);
    if (unlogged) unknowable.push({ action, why: unlogged });
    else if (dataType && !dataEventTypes.has(dataType)) unknowable.push({ action, why: `data event (${dataType}): the archive holds none of this type` });
    else if (dataType) unused.push({ action, note: `data event (${dataType}): the archive holds some of this type, perhaps not for every resource` });
    else unused.push({ action });
  }
  const usedNotGranted = used.map((use) => `${use.service}:${use.action}`).filter((action) => !grantedLower.has(action.toLowerCase()));
  return { principal: principal.arn, granted, unused, unknowable, usedNotGranted, unreadable: principal.unreadable };
}
