import { type AnyPostureCheck, definePostureCheck, InvalidInputError, postureChecks, resolveConfig, catalogue, runPostureChecks } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { accountSummary, authorizationDetails, credentialReport, NOW, passwordPolicy, ROOT, run, serviceLastAccessed, snapshot, user } from "./snapshot.ts";

/** A snapshot with every part, so that every check runs. */
const full = () =>
  snapshot({
    credentialReportCsv: credentialReport(),
    credentialReportGeneratedAt: "2026-11-22T08:00:00Z",
    passwordPolicy: passwordPolicy("weak"),
    accountSummary: accountSummary("root-exposed"),
    customerPolicies: [
      {
        arn: "arn:aws:iam::111122223333:policy/AdminAll",
        name: "AdminAll",
        defaultVersionId: "v1",
        attachmentCount: 1,
        document: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}',
      },
    ],
    userPolicyAttachments: [{ policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", userName: "bob" }],
    supportRoles: [],
    serverCertificates: [{ name: "www-2025", arn: "arn:aws:iam::111122223333:server-certificate/www-2025", expiration: "2026-10-08T00:00:00Z" }],
    trails: [],
    accessKeys: [],
    authorizationDetails: authorizationDetails(),
    serviceLastAccessed: serviceLastAccessed(),
  });

describe("Function: runPostureChecks", () => {
  it("gives every check a finding on the full fixture snapshot, and skips none", () => {
    const { findings, skipped } = run(full());
    expect(skipped).toEqual([]);
    expect(new Set(findings.map((finding) => finding.ruleId))).toEqual(new Set(postureChecks.map((check) => check.meta.id)));
  });

  it("makes posture findings: no event fields, lastSeenAt and detectedAt from the injected clock, account and region from the snapshot", () => {
    const finding = run(full()).findings.find((entry) => entry.ruleId === "no-support-role");
    const check = postureChecks.find((entry) => entry.meta.id === "no-support-role");
    expect(finding).toEqual({
      id: expect.stringMatching(/^no-support-role:[0-9a-f]{24}$/),
      ruleId: "no-support-role",
      title: check?.meta.title,
      severity: "LOW",
      status: "open",
      account: "111122223333",
      region: "eu-west-1",
      principal: ROOT,
      resource: ROOT,
      summary: "No IAM role has the AWSSupportAccess policy, so there is no role for handling incidents with AWS Support.",
      description: check?.meta.description,
      remediation: check?.meta.remediation,
      references: check?.meta.references,
      detectedAt: NOW.toISOString(),
      lastSeenAt: NOW.toISOString(),
      details: { supportRoles: [] },
    });
  });

  it("gives a condition the same id on every run while it lasts, and different ids in different accounts", () => {
    const first = run(full()).findings;
    const later = run(full(), { now: new Date(NOW.getTime() + 3_600_000) }).findings;
    expect(later.map((finding) => finding.id)).toEqual(first.map((finding) => finding.id));
    expect(later[0]?.lastSeenAt).toBe("2026-11-22T13:00:00.000Z");
    expect(new Set(first.map((finding) => finding.id)).size).toBe(first.length);

    const other = run({ ...full(), account: "444455556666" }).findings.find((finding) => finding.ruleId === "no-support-role");
    expect(other?.id).not.toBe(first.find((finding) => finding.ruleId === "no-support-role")?.id);
    expect(other?.principal).toBe("arn:aws:iam::444455556666:root");
  });

  it("skips each check whose input is absent, naming the part", () => {
    const { findings, skipped } = run(snapshot());
    expect(findings).toEqual([]);
    expect(skipped.map((entry) => entry.checkId)).toEqual(postureChecks.map((check) => check.meta.id));
    expect(skipped).toContainEqual({ checkId: "credentials-unused", reason: "needs the credential report (absent from the snapshot)" });
    expect(skipped).toContainEqual({ checkId: "cloudtrail-not-healthy", reason: "needs the CloudTrail trails (absent from the snapshot)" });
    expect(skipped).toContainEqual({ checkId: "no-support-role", reason: "needs the roles with AWSSupportAccess (absent from the snapshot)" });
  });

  it("skips the checks of an invalid part with the parse error, and runs the others", () => {
    const bad = { ...full(), credentialReportCsv: credentialReport().replace(",false,true,2023-06-01", ",maybe,true,2023-06-01") };
    const { findings, skipped } = run({ ...bad, trails: [{ name: "main" }] as never });
    expect(skipped).toContainEqual({
      checkId: "user-console-without-mfa",
      reason: 'needs the credential report (invalid: line 2, column mfa_active: expected true or false, got "maybe")',
    });
    expect(skipped).toContainEqual({ checkId: "cloudtrail-not-healthy", reason: expect.stringMatching(/^needs the CloudTrail trails \(invalid: trails\.0\.arn: /) });
    // root-mfa-disabled reads the account summary instead.
    expect(findings.map((finding) => finding.ruleId)).toContain("root-mfa-disabled");
    expect(skipped.map((entry) => entry.checkId)).not.toContain("root-mfa-disabled");
  });

  it("drops findings of ignored principals, for every check or only the ones listed", () => {
    const everywhere = run(full(), { config: { ignore: [{ principal: "arn:aws:iam::*:user/bob", reason: "service account" }] } }).findings;
    expect(everywhere.some((finding) => finding.principal === user("bob"))).toBe(false);
    expect(everywhere.some((finding) => finding.principal === user("alice"))).toBe(true);

    const onlyUnused = run(full(), { config: { ignore: [{ principal: user("bob"), reason: "being retired", rules: ["credentials-unused"] }] } }).findings;
    const bobChecks = onlyUnused.filter((finding) => finding.principal === user("bob")).map((finding) => finding.ruleId);
    expect(bobChecks).not.toContain("credentials-unused");
    expect(bobChecks).toContain("user-console-without-mfa");
  });

  it("drops nothing for an entry that names a user agent, a service or an address: a posture finding has no call to match", () => {
    const bob = (ignore: object) => run(full(), { config: { ignore: [{ principal: user("bob"), reason: "service account", ...ignore }] } }).findings.filter((finding) => finding.principal === user("bob"));
    expect(bob({})).toEqual([]);
    for (const matcher of [{ userAgent: "*" }, { invokedBy: "*" }, { sourceIp: "0.0.0.0/0" }]) expect(bob(matcher).length, JSON.stringify(matcher)).toBeGreaterThan(0);
    const alone = run(full(), { config: { ignore: [{ userAgent: "*", reason: "x" }, { invokedBy: "*", reason: "x" }, { sourceIp: ["0.0.0.0/0", "::/0"], reason: "x" }] } });
    expect(alone.findings).toEqual(run(full()).findings);
  });

  it("judges an entry's expiry by the run's now, a date holding through its day UTC", () => {
    const bobAt = (now: string) => run(full(), { now: new Date(now), config: { ignore: [{ principal: user("bob"), reason: "leaving", expires: "2026-11-22" }] } }).findings.filter((finding) => finding.principal === user("bob"));
    expect(bobAt("2026-11-22T23:59:59.999Z")).toEqual([]);
    expect(bobAt("2026-11-23T00:00:00.000Z").length).toBeGreaterThan(0);
  });

  it("does not run a disabled check, and applies a configured severity to all its findings", () => {
    const { findings, skipped } = run(full(), {
      config: { rules: { "no-support-role": { enabled: false }, "access-key-not-rotated": { severity: "HIGH" } } },
    });
    expect(findings.some((finding) => finding.ruleId === "no-support-role")).toBe(false);
    expect(skipped.some((entry) => entry.checkId === "no-support-role")).toBe(false);
    const rotation = findings.filter((finding) => finding.ruleId === "access-key-not-rotated");
    expect(rotation).toHaveLength(4);
    expect(rotation.every((finding) => finding.severity === "HIGH")).toBe(true);
  });

  it("reports a check that throws as skipped with its error, and still runs the rest", () => {
    const failure = new Error("boom");
    const broken: AnyPostureCheck = definePostureCheck({
      meta: { ...postureChecks[0]!.meta, id: "broken-check" },
      needs: [],
      evaluate() {
        throw failure;
      },
    });
    const checks = [broken, ...postureChecks];
    const result = runPostureChecks(full(), { config: resolveConfig({}, catalogue, checks), now: NOW, checks });
    expect(result.skipped).toEqual([{ checkId: "broken-check", reason: "the check failed: boom", error: failure }]);
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it("rejects a snapshot without a valid account, naming the field", () => {
    expect(() => run({ ...snapshot(), account: "1234" })).toThrow(InvalidInputError);
    expect(() => run({ ...snapshot(), account: "1234" })).toThrow("account: must be a 12-digit AWS account id");
  });
});
