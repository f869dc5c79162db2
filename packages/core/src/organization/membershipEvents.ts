import type { EventSelector } from "../rules/Rule.ts";

/**
 * Organizations calls after which the inventory no longer says where every account sits: accounts
 * joining, leaving, moving or closing, and OUs made, renamed or removed. In organization mode they
 * are routed to the evaluate function (whatever rules are enabled), which reads the inventory anew.
 * CreateAccount returns before the account exists, so an event from an account the inventory does
 * not know also makes evaluate read it anew.
 */
export const MEMBERSHIP_EVENT_NAMES = [
  "AcceptHandshake",
  "CloseAccount",
  "CreateAccount",
  "CreateGovCloudAccount",
  "CreateOrganizationalUnit",
  "DeleteOrganizationalUnit",
  "InviteAccountToOrganization",
  "LeaveOrganization",
  "MoveAccount",
  "RemoveAccountFromOrganization",
  "UpdateOrganizationalUnit",
] as const;

export const MEMBERSHIP_EVENTS: EventSelector = { eventSource: "organizations.amazonaws.com", eventNames: MEMBERSHIP_EVENT_NAMES };
