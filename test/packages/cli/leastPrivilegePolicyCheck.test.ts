import { loadActionIndex } from "@vigil/iam-actions";
import { describe, expect, it } from "vitest";
import { checkProposedPolicy } from "@vigil/cli/src/leastPrivilege/policyCheck.ts";

const actions = loadActionIndex();
const NOW = new Date("2026-11-22T12:00:00Z");
const policy = (Action: string[], Resource: string[]) => ({ Version: "2012-10-17" as const, Statement: [{ Sid: "Iam1", Effect: "Allow" as const, Action, Resource }] });

describe("least-privilege: Vigil's rules on the proposed policy", () => {
  it("raise nothing for read-only calls narrowed to their resources", async () => {
    expect(await checkProposedPolicy(policy(["iam:GetRole"], ["arn:aws:iam::111122223333:role/app"]), "111122223333", NOW, actions)).toEqual([]);
  });

  it("name the escalation path when the principal really used one, so the proposal is not taken as safe", async () => {
    const findings = await checkProposedPolicy(policy(["iam:CreatePolicyVersion"], ["arn:aws:iam::111122223333:policy/*"]), "111122223333", NOW, actions);
    expect(findings).toEqual([expect.objectContaining({ ruleId: "policy-privilege-escalation", severity: "HIGH" })]);
  });
});
