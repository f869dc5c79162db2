import { readdirSync } from "node:fs";
import { join } from "node:path";
import { catalogue, type CustomerPolicy, type Finding, postureChecks, resolveConfig, runPostureChecks } from "@vigil/core";
import { accountSummary, authorizationDetails, credentialReport, NOW, passwordPolicy, serviceLastAccessed, snapshot } from "../packages/core/posture/snapshot.ts";
import { evaluateFixture } from "./evaluate.ts";
import { FIXTURES, ruleFixtures } from "./fixtures.ts";

/** Every finding of every rule's positive fixtures, through the real engine, with the fixture it came from. */
export async function ruleFixtureFindings(): Promise<{ fixture: string; finding: Finding }[]> {
  const found: { fixture: string; finding: Finding }[] = [];
  for (const ruleId of readdirSync(join(FIXTURES, "rules")).sort()) {
    for (const fixture of ruleFixtures(ruleId).positive) {
      for (const finding of await evaluateFixture(fixture)) found.push({ fixture, finding });
    }
  }
  return found;
}

const adminPolicy: CustomerPolicy = {
  arn: "arn:aws:iam::111122223333:policy/AdminAll",
  name: "AdminAll",
  defaultVersionId: "v3",
  attachmentCount: 2,
  document: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } }),
};

/**
 * The findings of one posture run over an account where every check Vigil ships finds something:
 * the posture fixtures (see test/fixtures/posture/README.md) and the parts the checks' own tests use.
 */
export function everyPostureFinding(): Finding[] {
  const account = snapshot({
    credentialReportCsv: credentialReport(),
    passwordPolicy: passwordPolicy("weak"),
    accountSummary: accountSummary("root-exposed"),
    customerPolicies: [adminPolicy],
    userPolicyAttachments: [{ policyArn: "arn:aws:iam::111122223333:policy/deploy-lambda", userName: "bob", userArn: "arn:aws:iam::111122223333:user/bob" }],
    supportRoles: [],
    serverCertificates: [{ name: "www-2025", arn: "arn:aws:iam::111122223333:server-certificate/www-2025", expiration: "2026-10-08T00:00:00Z" }],
    trails: [],
    authorizationDetails: authorizationDetails(),
    serviceLastAccessed: serviceLastAccessed(),
  });
  const { findings } = runPostureChecks(account, { config: resolveConfig({}, catalogue), now: NOW, checks: postureChecks });
  return findings;
}
