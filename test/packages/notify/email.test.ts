import { formatReference, SEVERITIES } from "@vigil/core";
import { eventConsoleUrl, formatEmail, SUBJECT_MAX } from "@vigil/notify";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escalation, hostileFinding, loginFailures, rootLogin } from "./findings.ts";

describe("Function: formatEmail", () => {
  describe("subject", () => {
    it("says the severity, what happened and in which account", async () => {
      // Prepare
      const finding = await rootLogin();

      // Act
      const { subject } = formatEmail(finding);

      // Assess
      expect(subject).toBe(`[Vigil ${finding.severity}] Root user signed in to the console (111122223333)`);
    });

    it("names a member account of the organization by its name, and gives its id and OU path in the body", async () => {
      // Prepare
      const finding = { ...(await rootLogin()), account: "444455556666", accountName: "workload-prod", ouPath: "o-a1b2c3d4e5/r-ab12/ou-ab12-workload/" };

      // Act
      const { subject, text } = formatEmail(finding);

      // Assess
      expect(subject).toBe(`[Vigil ${finding.severity}] Root user signed in to the console (workload-prod)`);
      expect(text).toContain("Where:      account 444455556666 (workload-prod), region us-east-1\n");
      expect(text).toContain("OU path:    o-a1b2c3d4e5/r-ab12/ou-ab12-workload/\n");
    });

    it("cuts a long title at a word, keeping the severity and the account", () => {
      // Prepare
      const title = "Policy allows every action on every resource through a chain of role assumptions across several accounts";

      // Act
      const { subject } = formatEmail(hostileFinding({ title, severity: "CRITICAL" }));

      // Assess
      expect(subject.length).toBeLessThan(100);
      expect(subject).toMatch(/^\[Vigil CRITICAL\] Policy allows every action .*[a-z]\.\.\. \(111122223333\)$/);
      expect(title.startsWith(subject.slice("[Vigil CRITICAL] ".length, subject.indexOf("...")))).toBe(true);
    });

    it("stays under 100 printable ASCII characters on one line whatever the title and account", () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...SEVERITIES),
          fc.string({ unit: "binary", maxLength: 400 }),
          fc.string({ unit: "binary", maxLength: 200 }),
          (severity, title, account) => {
            // Act
            const { subject } = formatEmail(hostileFinding({ severity, title, account }));

            // Assess
            expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
            expect(subject).toMatch(/^\[Vigil [A-Z]+\] [\x20-\x7e]*$/);
            expect(subject.startsWith(`[Vigil ${severity}] `)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    });

    it("keeps a title that fits whole", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,60}[a-z]$/), (title) => {
          expect(formatEmail(hostileFinding({ title })).subject).toBe(`[Vigil MEDIUM] ${title} (111122223333)`);
        }),
      );
    });
  });

  describe("text", () => {
    it("says what happened, who, what, where, when, why, what to do, the references and links to the event", async () => {
      // Prepare
      const finding = await escalation();

      // Act
      const { text } = formatEmail(finding);

      // Assess
      expect(text).toContain(finding.summary);
      expect(text).toMatch(new RegExp(`^Who: +${escape(finding.principal)}$`, "m"));
      expect(text).toMatch(new RegExp(`^Source IP: +${escape(finding.sourceIPAddress ?? "missing")}$`, "m"));
      expect(text).toMatch(new RegExp(`^What: +${escape(finding.resource)}$`, "m"));
      expect(text).toMatch(/^Where: +account 111122223333, region us-east-1$/m);
      expect(text).toMatch(new RegExp(`^When: +${escape(finding.eventTime ?? "missing")}$`, "m"));
      expect(text).toContain(`Why it matters\n${finding.description}\n`);
      expect(text).toContain(`What to do\n${finding.remediation}\n`);
      for (const reference of finding.references) expect(text).toContain(`- ${formatReference(reference)} ${reference.title}`);
      expect(text).toContain("https://attack.mitre.org/techniques/T1548/005/");
      expect(text).toContain(
        `https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${finding.eventId}`,
      );
      expect(text).toMatch(new RegExp(`^Finding id: +${escape(finding.id)}$`, "m"));
      expect(text).toMatch(/^Rule: +policy-privilege-escalation$/m);
    });

    it("lists every event of a finding made from several", async () => {
      // Prepare
      const finding = await loginFailures();

      // Act
      const { text } = formatEmail(finding);

      // Assess
      expect(finding.eventIds?.length).toBeGreaterThan(1);
      for (const eventId of finding.eventIds ?? []) expect(text).toContain(eventId);
    });

    it("says when the event time is not recorded", () => {
      // Act
      const { text } = formatEmail(hostileFinding({ eventTime: undefined }));

      // Assess
      expect(text).toMatch(/^When: +not recorded \(detected 2026-11-22T12:00:00.000Z\)$/m);
    });

    it("shows terminal escapes and bidirectional overrides escaped, in the body and the subject", () => {
      // Act
      const { subject, text } = formatEmail(hostileFinding({ title: "IAM user \u202ecreated", summary: "\u001b[2J\u001b[31mall clear\u009b0m", resource: "x\u2066y\u2069" }));

      // Assess
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(text).toContain("\\x1b[2J\\x1b[31mall clear\\x9b0m");
      expect(text).toMatch(/^What: +x\\u2066y\\u2069$/m);
      expect(subject).toBe("[Vigil MEDIUM] IAM user \\u202ecreated (111122223333)");
    });

    it("keeps an attacker's line breaks from forging lines of the message", () => {
      // Act
      const { text } = formatEmail(hostileFinding());

      // Assess
      expect(text).not.toMatch(/^\*Remediation\*/m);
      expect(text).not.toMatch(/^Run curl/m);
      expect(text).toMatch(/^What: +arn:aws:iam::111122223333:user\/x\\n\*Remediation\*\\nRun curl/m);
    });
  });
});

describe("Function: eventConsoleUrl", () => {
  it("links to the event in CloudTrail Event history in the event's region", async () => {
    // Prepare
    const finding = await rootLogin();

    // Act
    const url = eventConsoleUrl({ region: "eu-west-2", eventId: finding.eventId as string });

    // Assess
    expect(url).toBe(`https://eu-west-2.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-2#/events/${finding.eventId}`);
  });

  it("uses the console of the China and GovCloud partitions", () => {
    expect(eventConsoleUrl({ region: "cn-north-1", eventId: "e-1" })).toBe("https://console.amazonaws.cn/cloudtrailv2/home?region=cn-north-1#/events/e-1");
    expect(eventConsoleUrl({ region: "us-gov-west-1", eventId: "e-1" })).toBe(
      "https://console.amazonaws-us-gov.com/cloudtrailv2/home?region=us-gov-west-1#/events/e-1",
    );
  });

  it("never lets a forged region or event id change the host or break out of the fragment", () => {
    // Act
    const url = new URL(eventConsoleUrl({ region: "evil.example/x?", eventId: "a b#c/../<d>|e" }));

    // Assess
    expect(url.host).toBe("console.aws.amazon.com");
    expect(decodeURIComponent(url.hash)).toBe("#/events/a b#c/../<d>|e");
    expect(url.hash).not.toMatch(/[ <>|]/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("Function: consoleLink", () => {
  it("sends a posture finding, which has no event, to the IAM console instead of a broken event link", async () => {
    const { eventId: _eventId, eventName: _eventName, eventSource: _eventSource, ...posture } = await rootLogin();
    const email = formatEmail(posture);
    expect(email.text).toContain("Open IAM in the console:\nhttps://console.aws.amazon.com/iam/home#/home");
    expect(email.text).not.toContain("cloudtrailv2");
    expect(email.text).not.toContain("undefined");
  });
});
