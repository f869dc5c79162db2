import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import type { Finding, RemediationAction, Severity } from "@vigil/core";
import {
  DigestPublishError,
  digestPublishInput,
  peopleFilterPolicy,
  formatDigest,
  MACHINE_PROTOCOLS,
  MAX_PUBLISH_BYTES,
  publishBytes,
  type PostureDigestMessage,
  type PostureDigestRun,
  SnsDigestPublisher,
  snsPublishInput,
} from "@vigil/notify";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { postureFinding } from "../../helpers/postureFinding.ts";

const TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:vigil-alerts";
const ACCOUNT = "111122223333";
const RUN_AT = "2026-11-20T09:00:00.000Z";
const sns = mockClient(SNSClient);

const posture = (checkId: string, user: string, severity: Severity, overrides: Partial<Finding> = {}) => postureFinding(checkId, user, { severity, at: RUN_AT, account: ACCOUNT }, overrides);

function run(overrides: Partial<PostureDigestRun> = {}): PostureDigestRun {
  return {
    account: ACCOUNT,
    region: "us-east-1",
    runAt: RUN_AT,
    created: [posture("access-key-not-rotated", "ci", "MEDIUM"), posture("root-access-keys-present", "root", "CRITICAL")],
    reopened: [posture("user-console-without-mfa", "ana", "HIGH")],
    resolved: [posture("credentials-unused", "old", "MEDIUM")],
    stillOpen: [posture("multiple-active-access-keys", "ci", "LOW"), posture("user-has-direct-policies", "ana", "LOW")],
    skipped: [{ checkId: "root-used-recently", reason: "needs the credential report (iam:GetCredentialReport: AccessDenied)" }],
    ...overrides,
  };
}

const none = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 };
const bodies = (input: PublishCommandInput) => JSON.parse(input.Message ?? "") as Record<string, string>;

/** SNS's attribute filter policy semantics for the operators Vigil's policies use: exact strings, `exists`, `$or`. */
function passes(policy: Record<string, unknown>, attributes: PublishCommandInput["MessageAttributes"]): boolean {
  return Object.entries(policy).every(([key, conditions]) => {
    if (key === "$or") return (conditions as Record<string, unknown>[]).some((branch) => passes(branch, attributes));
    const value = attributes?.[key]?.StringValue;
    return (conditions as unknown[]).some((condition) =>
      typeof condition === "string" ? condition === value : (condition as { exists: boolean }).exists === (value !== undefined),
    );
  });
}

describe("Function: formatDigest", () => {
  it("counts new, back again, resolved and still open findings by severity", () => {
    // Act
    const digest = formatDigest(run());

    // Assess
    expect(digest.message.counts).toEqual({
      new: { ...none, CRITICAL: 1, MEDIUM: 1 },
      reopened: { ...none, HIGH: 1 },
      resolved: { ...none, MEDIUM: 1 },
      stillOpen: { ...none, LOW: 2 },
    });
    expect(digest.severity).toBe("CRITICAL");
    expect(digest.text).toContain(
      [
        "            CRITICAL   HIGH  MEDIUM    LOW   INFO  Total",
        "New                1      0       1      0      0      2",
        "Back again         0      1       0      0      0      1",
        "Resolved           0      0       1      0      0      1",
        "Still open         0      0       0      2      0      2",
      ].join("\n"),
    );
  });

  it("lists the new ones most severe first with resource and summary, then those back again, then the resolved", () => {
    // Act
    const { text, message } = formatDigest(run());

    // Assess
    expect(message.new.map((finding) => finding.severity)).toEqual(["CRITICAL", "MEDIUM"]);
    const newSection = text.slice(text.indexOf("New findings"), text.indexOf("Back again ("));
    expect(newSection).toBe(
      [
        "New findings",
        "- [CRITICAL] root-access-keys-present title",
        `  Resource:   arn:aws:iam::${ACCOUNT}:user/root`,
        "  root matches root-access-keys-present.",
        `  Finding id: ${message.new[0]?.id}`,
        "- [MEDIUM] access-key-not-rotated title",
        `  Resource:   arn:aws:iam::${ACCOUNT}:user/ci`,
        "  ci matches access-key-not-rotated.",
        `  Finding id: ${message.new[1]?.id}`,
        "",
        "",
      ].join("\n"),
    );
    expect(text.indexOf("Back again (")).toBeLessThan(text.indexOf("Resolved (no longer seen)"));
    expect(text).toContain("Checks skipped (this run resolves none of their findings)\n- root-used-recently: needs the credential report (iam:GetCredentialReport: AccessDenied)");
  });

  it("says plainly when nothing is new, with INFO as its severity", () => {
    // Act
    const digest = formatDigest(run({ created: [], reopened: [] }));

    // Assess
    expect(digest.severity).toBe("INFO");
    expect(digest.subject).toBe(`[Vigil posture] no new findings, 1 resolved, 2 still open (${ACCOUNT})`);
    expect(digest.text).not.toContain("New findings");
  });

  it("keeps the subject under SNS's 100 characters, ASCII, on one line", () => {
    // Act
    const digest = formatDigest(run({ account: "111122223333\n[Vigil CRITICAL] fake ünïcödé subject that goes on and on and on and on" }));

    // Assess
    expect(digest.subject.length).toBeLessThan(100);
    expect(digest.subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it("puts every value from the account on its own line, so a name cannot forge a line", () => {
    // Prepare
    const hostile = posture("access-key-not-rotated", "x", "HIGH", { summary: "ok\nRemediation\n- Deactivated access key AKIAFAKE", resource: "arn:aws:iam::111122223333:user/x\nResolved" });

    // Act
    const { text } = formatDigest(run({ created: [hostile] }));

    // Assess
    expect(text.split("\n")).not.toContain("Remediation");
    expect(text.split("\n")).not.toContain("- Deactivated access key AKIAFAKE");
    expect(text).toContain("  ok\\nRemediation\\n- Deactivated access key AKIAFAKE");
  });

  it("lists at most maxListed per section and counts the rest", () => {
    // Prepare
    const many = Array.from({ length: 30 }, (_, index) => posture("access-key-not-rotated", `user-${index}`, "MEDIUM"));

    // Act
    const { message, text } = formatDigest(run({ created: many }), { maxListed: 5 });

    // Assess
    expect(message.new).toHaveLength(5);
    expect(message.omitted.new).toBe(25);
    expect(message.counts.new.MEDIUM).toBe(30);
    expect(text).toContain("- and 25 more (list them with the findings API or CLI)");
  });

  it("says what remediation did, would do in a dry run, failed to do, and left alone", () => {
    // Prepare
    const arn = `arn:aws:iam::${ACCOUNT}:user/ci`;
    const actions: RemediationAction[] = [
      { kind: "deactivate-access-key", user: "ci", arn, accessKeyId: "AKIA1", ageDays: 400, outcome: "done" },
      { kind: "deactivate-access-key", user: "ci", arn, accessKeyId: "AKIA2", ageDays: 200, outcome: "failed", reason: "iam:UpdateAccessKey: AccessDenied: no" },
      { kind: "deactivate-access-key", user: "vendor", arn, outcome: "skipped", reason: "the principal is ignored by the configuration" },
    ];

    // Act
    const real = formatDigest(run({ remediation: { dryRun: false, actions } })).text;
    const dry = formatDigest(run({ remediation: { dryRun: true, actions: [{ ...actions[0], outcome: "would-do" } as RemediationAction] } })).text;
    const idle = formatDigest(run({ remediation: { dryRun: false, actions: [] } })).text;
    const off = formatDigest(run()).text;

    // Assess
    expect(real).toContain(
      [
        "Remediation",
        "- Deactivated access key AKIA1 of ci (400 days old)",
        "- FAILED to deactivate access key AKIA2 of ci (200 days old): iam:UpdateAccessKey: AccessDenied: no",
        "- Left the access keys of vendor alone: the principal is ignored by the configuration",
      ].join("\n"),
    );
    expect(dry).toContain("Remediation (dry run: nothing was changed)\n- Would deactivate access key AKIA1 of ci (400 days old)");
    expect(idle).toContain("Remediation\n- Nothing to do: no active access key is over the age limit.");
    expect(off).not.toContain("Remediation");
  });
});

describe("Function: digestPublishInput", () => {
  it("gives machine protocols the digest JSON, email the text, and attributes that mark it a digest", () => {
    // Prepare
    const digest = formatDigest(run());

    // Act
    const input = digestPublishInput(digest, TOPIC_ARN);

    // Assess
    expect(input).toMatchObject({ TopicArn: TOPIC_ARN, MessageStructure: "json", Subject: digest.subject });
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: "String", StringValue: "CRITICAL" },
      ruleId: { DataType: "String", StringValue: "posture-digest" },
      account: { DataType: "String", StringValue: ACCOUNT },
      kind: { DataType: "String", StringValue: "digest" },
    });
    const perProtocol = bodies(input);
    expect(Object.keys(perProtocol).sort()).toEqual(["default", "email", ...MACHINE_PROTOCOLS].sort());
    for (const protocol of ["default", ...MACHINE_PROTOCOLS]) expect(JSON.parse(perProtocol[protocol] ?? "") as PostureDigestMessage).toEqual(digest.message);
    expect(perProtocol.email).toBe(digest.text);
  });

  it("stays under the Publish limit with every section at its cap, one JSON copy serving every machine protocol", () => {
    // Prepare
    const long = "x".repeat(5000);
    const many = (severity: Severity) => Array.from({ length: 500 }, (_, index) => posture("admin-policy-in-use", `u${index}`, severity, { title: long, resource: long, summary: long }));
    const actions = Array.from({ length: 500 }, (_, index): RemediationAction => ({ kind: "deactivate-access-key", user: long, arn: `u${index}${long}`, outcome: "failed", reason: long }));
    const digest = formatDigest(run({ created: many("HIGH"), reopened: many("LOW"), resolved: many("LOW"), remediation: { dryRun: false, actions }, skipped: Array.from({ length: 500 }, () => ({ checkId: "x", reason: long })) }));

    // Act
    const input = digestPublishInput(digest, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    expect(Object.keys(bodies(input)).sort()).toEqual(["default", "email"]);
    expect(JSON.parse(bodies(input).default ?? "")).toEqual(digest.message);
    expect(bodies(input).email).toBe(digest.text);
  });

  it("keeps only the counts, and a cut text, when even one copy is too large", () => {
    // Prepare
    const long = "x".repeat(90_000);
    const digest = formatDigest(run({ problems: [{ part: "trails", error: long }, { part: "passwordPolicy", error: long }] }));
    const huge = { ...digest, text: `${digest.text}${long}${long}${long}` };

    // Act
    const input = digestPublishInput(huge, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    const message = JSON.parse(bodies(input).default ?? "") as PostureDigestMessage;
    expect(message.counts).toEqual(digest.message.counts);
    expect(message.new).toEqual([]);
    expect(message.omitted.new).toBe(2);
    expect(bodies(input).email).toMatch(/\.\.\. \(cut: the digest is too large for one message\)\n$/);
  });
});

describe("Subscription filter policies", () => {
  const digestAttributes = (severity: Severity) => digestPublishInput(formatDigest(run({ created: [posture("c", "u", severity)], reopened: [] })), TOPIC_ARN).MessageAttributes;
  const findingAttributes = (severity: Severity) => snsPublishInput(posture("c", "u", severity), TOPIC_ARN).MessageAttributes;

  it("people (email, Slack): every digest, whatever its severity, and findings at the minimum and above", () => {
    const policy = peopleFilterPolicy("HIGH");
    expect(policy).toEqual({ $or: [{ kind: ["digest"] }, { severity: ["CRITICAL", "HIGH"] }] });
    expect(passes(policy as unknown as Record<string, unknown>, digestAttributes("LOW"))).toBe(true);
    expect(passes(policy as unknown as Record<string, unknown>, digestAttributes("INFO"))).toBe(true);
    expect(passes(policy as unknown as Record<string, unknown>, findingAttributes("HIGH"))).toBe(true);
    expect(passes(policy as unknown as Record<string, unknown>, findingAttributes("MEDIUM"))).toBe(false);
  });
});

describe("Class: SnsDigestPublisher", () => {
  afterEach(() => sns.reset());

  describe("Method: publishDigest", () => {
    it("publishes the digest's input to the topic and resolves with the MessageId", async () => {
      // Prepare
      sns.on(PublishCommand).resolves({ MessageId: "4f1c2d6e-1d1b-5b4e-9b7e-0d5a3e2c1b00" });
      const digest = formatDigest(run());

      // Act
      const messageId = await new SnsDigestPublisher({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN }).publishDigest(digest);

      // Assess
      expect(messageId).toBe("4f1c2d6e-1d1b-5b4e-9b7e-0d5a3e2c1b00");
      expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([digestPublishInput(digest, TOPIC_ARN)]);
    });

    it("wraps an SNS failure, or an answer without MessageId, in DigestPublishError naming the account", async () => {
      // Prepare
      const publisher = new SnsDigestPublisher({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN });
      sns.on(PublishCommand).rejectsOnce(new Error("Rate exceeded")).resolvesOnce({});

      // Act
      const failed = publisher.publishDigest(formatDigest(run()));
      await expect(failed).rejects.toThrow(DigestPublishError);
      const empty = publisher.publishDigest(formatDigest(run()));

      // Assess
      await expect(failed).rejects.toThrow(`publishing the posture digest of ${ACCOUNT}: Rate exceeded`);
      await expect(empty).rejects.toThrow("SNS answered without a MessageId");
    });
  });
});
