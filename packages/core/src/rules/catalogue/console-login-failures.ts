import * as z from "zod";
import { eventAccount, identifiedCaller, isRoot, responseString } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** What AWS logs instead of a user name that does not exist in the account. */
const UNKNOWN_USER = "HIDDEN_DUE_TO_SECURITY_REASONS";

/**
 * The contract counts each event under one key, so failures are counted per targeted user (root
 * included), whatever the source IP: that catches guessing one password from many addresses.
 * Failures for unknown user names cannot be tied to a user; they are counted per account and
 * source IP instead, which catches guessing user names.
 */
export const consoleLoginFailures = defineRule({
  kind: "threshold",
  meta: {
    id: "console-login-failures",
    title: "Repeated failed console sign-ins",
    severity: "MEDIUM",
    description:
      "Console sign-ins for one user, or for unknown user names from one IP address, failed repeatedly within a short window: someone may be guessing a password or user names. Against the root user it is HIGH.",
    remediation:
      "Check with the user whether they mistyped their password. If not, make sure the user has MFA, rotate the password if it may be known, and consider blocking the source addresses. Use `threshold` and `windowMinutes` in the configuration to tune the rule.",
    references: [CIS.consoleAuthFailures, ATTACK.passwordGuessing, ATTACK.bruteForce],
  },
  selectors: [{ eventSource: "signin.amazonaws.com", eventNames: ["ConsoleLogin"] }],
  params: z.strictObject({
    threshold: z.number().int().positive().default(5),
    windowMinutes: z.number().positive().default(10),
  }),
  key(event) {
    // A failed sign-in has no errorCode: its outcome is responseElements.ConsoleLogin.
    if (responseString(event, "ConsoleLogin") !== "Failure") return undefined;
    const user = event.userIdentity.userName === UNKNOWN_USER ? undefined : identifiedCaller(event);
    // A failure naming no one is counted like an unknown user name, never under one shared "unknown" user.
    if (user) return `user:${user}`;
    return event.sourceIPAddress ? `ip:${eventAccount(event)}/${event.sourceIPAddress}` : undefined;
  },
  describe(key, { count, last }, { params }) {
    const within = `within ${params.windowMinutes} minutes`;
    const ip = last.sourceIPAddress;
    const details = { failures: count, windowMinutes: params.windowMinutes, ...(ip ? { lastSourceIPAddress: ip } : {}) };
    if (key.startsWith("ip:")) {
      return {
        // IAM names the account itself arn:aws:iam::<account>:root; no single user was targeted.
        resource: `arn:aws:iam::${eventAccount(last)}:root`,
        summary: `${count} console sign-ins with unknown user names failed from ${ip} ${within}.`,
        details,
      };
    }
    const user = key.slice("user:".length);
    const who = isRoot(last) ? "the root user" : `the IAM user ${last.userIdentity.userName ?? user}`;
    return {
      ...(isRoot(last) ? { severity: "HIGH" as const } : {}),
      resource: user,
      summary: `${count} console sign-ins as ${who} failed ${within}${ip ? `, the last from ${ip}` : ""}.`,
      details,
    };
  },
});
