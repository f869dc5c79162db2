import { isRoot, principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { createsRootAccessKey } from "./root-access-key-created.ts";
import { removesRootMfa } from "./root-credentials-changed.ts";

/** Console-driven calls in older records carry `invokedBy: signin.amazonaws.com`: that is root at the keyboard. */
const CONSOLE = "signin.amazonaws.com";

export const rootActivity = defineRule({
  kind: "event",
  meta: {
    id: "root-activity",
    title: "Root user made an API call",
    severity: "HIGH",
    description:
      "The account's root user called an AWS API. Root has every permission, cannot be limited by IAM policies and is shared by whoever holds its password, so any use of it should be rare and explained. Read-only calls are MEDIUM. Calls refused by AWS are reported too: they still prove someone holds root credentials. Sign-ins, root access keys and root password or MFA changes have their own rules and are not repeated here.",
    remediation:
      "Ask the account owner who used root and why. If nobody can explain it, treat root as compromised: reset the root password, re-register MFA, delete any root access keys and review what root did. Move the task to an IAM role so root is not needed for it again.",
    references: [CIS.rootUsageMonitored, CIS.rootUsage, ATTACK.cloudAccounts],
  },
  selectors: [{ identityTypes: ["Root"] }],
  evaluate(event) {
    if (!isRoot(event)) return undefined;
    // As in the CIS 4.3 filter: sign-ins are not API calls, service events and calls a service makes for root are AWS acting.
    if (event.eventSource === CONSOLE || event.eventType === "AwsServiceEvent") return undefined;
    const invokedBy = event.userIdentity.invokedBy;
    if (invokedBy && invokedBy !== CONSOLE) return undefined;
    if (succeeded(event) && (createsRootAccessKey(event) || removesRootMfa(event))) return undefined;

    const action = `${event.eventSource.replace(/\.amazonaws\.com$/, "")}:${event.eventName}`;
    const from = event.sourceIPAddress ? ` from ${event.sourceIPAddress}` : "";
    const outcome = succeeded(event) ? "" : `, which failed with ${event.errorCode}`;
    const readOnly = event.readOnly === true;
    return {
      severity: readOnly ? "MEDIUM" : "HIGH",
      resource: principalArn(event),
      summary: `The root user called ${action}${from}${outcome}.`,
      details: { action, readOnly, ...(succeeded(event) ? {} : { errorCode: event.errorCode }) },
    };
  },
});
