import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/console-session-from-access-keys";
const RULE = "console-session-from-access-keys";

describe("Rule: console-session-from-access-keys", () => {
  it("reports a console sign-in token for a federation token, naming the principal and the source IP", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-federation-token-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:sts::111122223333:federated-user/consoler",
      summary: "arn:aws:sts::111122223333:federated-user/consoler got a console sign-in token for its temporary credentials from 198.51.100.77.",
      details: { sourceIPAddress: "198.51.100.77", identityType: "FederatedUser", issuer: "arn:aws:iam::111122223333:user/svc-reporting" },
    });
  });

  it("stays quiet on Identity Center portal sign-ins", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-identity-center-portal.json`)).toEqual([]);
  });
});
