import { principalArn, succeeded } from "../../event/principal.ts";
import { type DocumentProblem, POLICY_DOCUMENT_EVENTS, policyChangeOf } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

function why(problem: DocumentProblem, field: string): string {
  switch (problem.kind) {
    case "omitted": {
      const size = problem.originalSize === undefined ? "" : ` (${problem.originalSize} bytes)`;
      return `CloudTrail omitted its request parameters as too large${size}, so the ${field} could not be checked`;
    }
    case "missing":
      return `the record carries no ${field}, so it could not be checked`;
    case "unparseable":
      return `its ${field} is not a readable IAM policy (${problem.message}), so it could not be checked`;
  }
}

export const policyDocumentOmitted = defineRule({
  kind: "event",
  meta: {
    id: "policy-document-omitted",
    title: "Policy document missing from CloudTrail",
    severity: "HIGH",
    description:
      'An IAM call that writes a policy document (CreatePolicy, CreatePolicyVersion, Put*Policy, CreateRole, UpdateAssumeRolePolicy) succeeded, but its CloudTrail record does not let the document be checked. CloudTrail drops requestParameters it finds too large and records {"reason": "requestParameters too large", "omitted": true} instead; padding a policy with whitespace to 102,401-131,072 characters triggers this, a known way to hide a malicious policy from monitoring (HIGH). A record with no document, or one that does not parse, is reported as MEDIUM.',
    remediation:
      "Read the document from IAM itself (GetPolicyVersion, GetUserPolicy, GetGroupPolicy, GetRolePolicy or GetRole) and review it as if it were new. Find out why the caller sent a document that large; legitimate tooling rarely pads policies.",
    references: [CIS.iamPolicyChanges, ATTACK.disableCloudLogs, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: POLICY_DOCUMENT_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const problem = change?.problem;
    if (!change || !problem) return undefined;
    return {
      ...(problem.kind === "omitted" ? {} : { severity: "MEDIUM" as const }),
      resource: change.target,
      summary: `${principalArn(event)} called ${change.eventName} on ${change.target}, but ${why(problem, change.field)}.`,
      details: { problem },
    };
  },
});
