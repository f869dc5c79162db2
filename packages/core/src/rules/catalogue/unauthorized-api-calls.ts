import * as z from "zod";
import { identifiedCaller } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** The error codes of the CIS 4.1 filter: IAM, most JSON APIs, and EC2 (with and without its `Client.` prefix). */
const DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Client.UnauthorizedOperation"];

export const unauthorizedApiCalls = defineRule({
  kind: "threshold",
  meta: {
    id: "unauthorized-api-calls",
    title: "Burst of unauthorized API calls",
    severity: "MEDIUM",
    description:
      "One principal was refused many API calls in a short window. Stolen credentials are often tried against many services to learn what they can do; a misconfigured deployment looks the same, so check which it is.",
    remediation:
      "Look at which calls were refused and from where. If the principal's owner does not recognise them, rotate its credentials (deactivate access keys, revoke role sessions) and review what the successful calls did. Use `threshold` and `windowMinutes` in the configuration to tune the rule.",
    references: [CIS.unauthorizedApiCalls, ATTACK.cloudInfrastructureDiscovery],
  },
  selectors: [{ errorCodes: DENIED }],
  params: z.strictObject({
    threshold: z.number().int().positive().default(10),
    windowMinutes: z.number().positive().default(5),
  }),
  key(event) {
    // A service's own calls are AWS's to sort out; anonymous callers have no principal to hold to account.
    if (event.userIdentity.type === "AWSService" || event.eventType === "AwsServiceEvent") return undefined;
    return identifiedCaller(event);
  },
  describe(key, { count, last }, { params }) {
    const action = `${last.eventSource.replace(/\.amazonaws\.com$/, "")}:${last.eventName}`;
    return {
      resource: key,
      summary: `${key} was refused ${count} API calls within ${params.windowMinutes} minutes, the last ${action} (${last.errorCode}).`,
      details: { refused: count, windowMinutes: params.windowMinutes, lastAction: action, lastErrorCode: last.errorCode },
    };
  },
});
