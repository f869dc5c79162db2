import { type ActionIndex, catalogue, Engine, type Finding, MemoryWindowStore, parseEvent, type ProposedPolicy, resolveConfig } from "@vigil/core";

/** The part of a finding the report prints. */
export interface PolicyCheckFinding {
  ruleId: string;
  severity: Finding["severity"];
  title: string;
  summary: string;
}

/**
 * Vigil's own judgement of the proposed policy: the rule catalogue, with the action catalogue and
 * no configuration, evaluates the CloudTrail record that creating it as a managed policy would
 * leave, as the policy audit of Vigil's own stacks does. A least-privilege proposal can still be
 * risky (the principal really used iam:PassRole, or iam:CreatePolicyVersion); the findings say so.
 */
export async function checkProposedPolicy(policy: ProposedPolicy, account: string, now: Date, actions: ActionIndex): Promise<PolicyCheckFinding[]> {
  const engine = new Engine({ rules: catalogue, config: resolveConfig({}, catalogue), windows: new MemoryWindowStore(), now: () => now, actions });
  const name = "vigil-least-privilege-proposal";
  const record = {
    eventVersion: "1.10",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAVIGILLEASTPRIVILEGE:check",
      arn: `arn:aws:sts::${account}:assumed-role/vigil-least-privilege/check`,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: "Role", principalId: "AROAVIGILLEASTPRIVILEGE", arn: `arn:aws:iam::${account}:role/vigil-least-privilege`, accountId: account, userName: "vigil-least-privilege" },
        attributes: { creationDate: now.toISOString().replace(/\.\d+Z$/, "Z"), mfaAuthenticated: "false" },
      },
    },
    eventTime: now.toISOString().replace(/\.\d+Z$/, "Z"),
    eventSource: "iam.amazonaws.com",
    eventName: "CreatePolicy",
    awsRegion: "us-east-1",
    sourceIPAddress: "203.0.113.10",
    userAgent: "vigil least-privilege",
    requestParameters: { policyName: name, policyDocument: JSON.stringify(policy) },
    responseElements: { policy: { policyName: name, arn: `arn:aws:iam::${account}:policy/${name}` } },
    requestID: "00000000-0000-4000-8000-000000000000",
    eventID: "00000000-0000-4000-8000-000000000001",
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: "Management",
  };
  const { findings, failures } = await engine.evaluate(parseEvent(record));
  if (failures.length > 0) throw failures[0]?.error;
  return findings
    .map((finding) => ({ ruleId: finding.ruleId, severity: finding.severity, title: finding.title, summary: finding.summary }))
    .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
