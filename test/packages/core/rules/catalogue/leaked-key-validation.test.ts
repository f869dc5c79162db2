import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/leaked-key-validation";
const RULE = "leaked-key-validation";

describe("Rule: leaked-key-validation", () => {
  it("reports a key checked by TruffleHog as HIGH, naming the key, its owner and the address", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-trufflehog.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:user/ci-deployer",
      summary: "TruffleHog checked the access key AKIA6ODU5TEXAMPLE001 of arn:aws:iam::111122223333:user/ci-deployer from 203.0.113.201.",
      details: { scanner: "TruffleHog", accessKeyId: "AKIA6ODU5TEXAMPLE001" },
    });
  });

  it("recognises TruffleHog with a configured user-agent suffix", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-trufflehog-suffix-eventbridge.json`);

    expect(findings.map((f) => f.details?.userAgent)).toEqual(["TruffleHog acme-secops"]);
  });

  it("stays quiet on the CLI's own get-caller-identity", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-cli-whoami.json`)).toEqual([]);
  });
});
