import { principalArn } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * Secret scanners that check a found AWS key by calling AWS, with the user agent they send. Only
 * scanners whose source shows both the call and the user agent are listed.
 */
export const SECRET_SCANNERS: readonly { name: string; userAgent: RegExp; calls: readonly string[]; source: string }[] = [
  {
    name: "TruffleHog",
    // common.UserAgent() returns "TruffleHog", or "TruffleHog <suffix>" when a suffix is configured;
    // the AWS detector replaces the SDK's User-Agent with it.
    userAgent: /^TruffleHog(\s|$)/,
    calls: ["GetCallerIdentity"],
    source:
      "https://github.com/trufflesecurity/trufflehog: pkg/common/http.go (UserAgent) and pkg/detectors/aws/access_keys/accesskey.go (verifyMatch calls sts:GetCallerIdentity with replaceUserAgentMiddleware)",
  },
];

export const leakedKeyValidation = defineRule({
  kind: "event",
  meta: {
    id: "leaked-key-validation",
    title: "Access key checked by a secret scanner",
    severity: "HIGH",
    description: `A credential of this account was used by a known secret scanner to check that it works (sts:GetCallerIdentity with the scanner's user agent). Scanners verify keys they found in code, logs, images or paste sites: the key has leaked, and whoever ran the scanner, your own team or someone else, now knows it is live. Scanners listed, with sources in the rule file: ${SECRET_SCANNERS.map((scanner) => scanner.name).join(", ")}.`,
    remediation:
      "Find where the key leaked (the scanner's report, if it was yours; otherwise public repositories and artifacts). Deactivate and rotate the key now, then review everything it did since it leaked. If the key is a session credential, revoke the role's sessions.",
    // GetCallerIdentity needs no permission and cannot be denied (STS API Reference, GetCallerIdentity),
    // which is why scanners use it; CloudTrail records it as a read-only management event.
    references: [ATTACK.unsecuredCredentials, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "sts.amazonaws.com", eventNames: ["GetCallerIdentity"] }],
  evaluate(event) {
    const userAgent = event.userAgent ?? "";
    const scanner = SECRET_SCANNERS.find((candidate) => candidate.calls.includes(event.eventName) && candidate.userAgent.test(userAgent));
    if (!scanner) return undefined;
    const key = event.userIdentity.accessKeyId;
    return {
      resource: principalArn(event),
      summary: `${scanner.name} checked the access key ${key ?? "(key id not recorded)"} of ${principalArn(event)} from ${event.sourceIPAddress ?? "an unrecorded address"}.`,
      details: { scanner: scanner.name, accessKeyId: key ?? "unknown", userAgent, sourceIPAddress: event.sourceIPAddress ?? "unknown" },
    };
  },
});
