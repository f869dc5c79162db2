import { InvalidInputError, type Severity } from "@vigil/core";
import { formatDigest, parseDigestMessage, type PostureDigestRun, SLACK_LIMITS, type SlackBlock, slackDigestMessage } from "@vigil/notify";
import { describe, expect, it } from "vitest";
import { postureFinding } from "../../helpers/postureFinding.ts";

const ACCOUNT = "111122223333";
const RUN_AT = "2026-12-04T06:00:00.000Z";

const posture = (checkId: string, user: string, severity: Severity) => postureFinding(checkId, user, { severity, at: RUN_AT, account: ACCOUNT });

function run(overrides: Partial<PostureDigestRun> = {}): PostureDigestRun {
  return {
    account: ACCOUNT,
    region: "us-east-1",
    runAt: RUN_AT,
    created: [posture("user-console-without-mfa", "ana", "HIGH"), posture("root-access-keys-present", "root", "CRITICAL")],
    reopened: [],
    resolved: [posture("credentials-unused", "old", "MEDIUM")],
    stillOpen: [posture("multiple-active-access-keys", "ci", "LOW")],
    skipped: [],
    ...overrides,
  };
}

const text = (block: SlackBlock | undefined) => (block && "text" in block ? block.text.text : "");
const sections = (blocks: SlackBlock[]) => blocks.filter((block) => block.type === "section").map(text);

describe("Function: slackDigestMessage", () => {
  it("says what the run changed, counts by severity, and lists the new findings most severe first", () => {
    const message = slackDigestMessage(formatDigest(run()).message);

    expect(message.text).toBe("Vigil posture 111122223333: 2 new (highest CRITICAL), 1 resolved, 1 still open");
    expect(message.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: ":clipboard: Vigil posture: 111122223333", emoji: true } });
    const fields = message.blocks.find((block) => "fields" in block);
    expect(fields && "fields" in fields ? fields.fields.map((field) => field.text) : []).toEqual([
      "*New*\n1 CRITICAL, 1 HIGH",
      "*Back again*\nnone",
      "*Resolved*\n1 MEDIUM",
      "*Still open*\n1 LOW",
    ]);
    expect(sections(message.blocks)).toContainEqual(
      "*New findings*\n• *CRITICAL* root-access-keys-present title · arn:aws:iam::111122223333:user/root\n• *HIGH* user-console-without-mfa title · arn:aws:iam::111122223333:user/ana",
    );
  });

  it("keeps a channel message short: ten findings a list, the rest counted", () => {
    const created = Array.from({ length: 25 }, (_, n) => posture("access-key-not-rotated", `user-${n}`, "MEDIUM"));

    const message = slackDigestMessage(formatDigest(run({ created })).message);

    const list = sections(message.blocks).find((section) => section.startsWith("*New findings*")) ?? "";
    expect(list.split("\n").filter((line) => line.startsWith("• "))).toHaveLength(10);
    expect(list).toMatch(/… and 15 more \(`vigil findings list` or the findings API\)$/);
  });

  it("escapes names from the account, so a user name cannot ping a channel or fake a link", () => {
    const hostile = posture("user-console-without-mfa", "x<!channel>&<https://evil.example|click>", "HIGH");

    const message = slackDigestMessage(formatDigest(run({ created: [hostile] })).message);

    const serialized = JSON.stringify(message);
    expect(serialized).not.toContain("<!channel>");
    expect(serialized).not.toContain("<https://evil.example");
    expect(serialized).toContain("x&lt;!channel&gt;&amp;&lt;https://evil.example|click&gt;");
  });

  it("reports key remediation, marked when it was a dry run, and what did not run", () => {
    const message = slackDigestMessage(
      formatDigest(
        run({
          remediation: { dryRun: true, actions: [{ kind: "deactivate-access-key", user: "ci", arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accessKeyId: "AKIAIOSFODNN7EXAMPLE", ageDays: 400, outcome: "would-do" }] },
          skipped: [{ checkId: "root-used-recently", reason: "iam:GetCredentialReport: AccessDenied" }],
        }),
      ).message,
    );

    expect(sections(message.blocks)).toContainEqual("*Remediation (dry run: nothing was changed)*\n• Would deactivate AKIAIOSFODNN7EXAMPLE of ci");
    const context = message.blocks.at(-1);
    expect(context && "elements" in context ? context.elements.map((element) => element.text) : []).toEqual([
      "Posture run of 111122223333 (us-east-1) at 2026-12-04T06:00:00.000Z",
      "Skipped: root-used-recently (iam:GetCredentialReport: AccessDenied)",
    ]);
  });

  it("stays within Block Kit's limits however large the run", () => {
    const long = "n".repeat(500);
    const created = Array.from({ length: 200 }, (_, n) => ({ ...posture("access-key-not-rotated", `${long}-${n}`, "MEDIUM"), title: long }));

    const message = slackDigestMessage(formatDigest(run({ created, reopened: created })).message);

    for (const section of sections(message.blocks)) expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });
});

describe("Function: parseDigestMessage", () => {
  it("reads back the digest a posture run publishes", () => {
    const { message } = formatDigest(run());

    expect(parseDigestMessage(JSON.stringify(message))).toEqual(message);
  });

  it("refuses a message that is not a digest, naming the field", () => {
    const { message } = formatDigest(run());
    const broken = { ...message, counts: { ...message.counts, new: { ...message.counts.new, HIGH: -1 } } };

    expect(() => parseDigestMessage(JSON.stringify(broken))).toThrow(InvalidInputError);
    expect(() => parseDigestMessage(JSON.stringify(broken))).toThrow(/counts\.new\.HIGH/);
    expect(() => parseDigestMessage("not json")).toThrow(InvalidInputError);
  });
});
