/**
 * Infrastructure-as-code tools, by what each writes into the user agent of the calls it makes: a
 * call one of them made is a planned change that someone reviewed, so a finding on it is best
 * silenced for that tool alone rather than for everything its principal does. Most specific first:
 * a tool built on another's provider may carry both markers.
 */
const TOOLS: readonly { name: string; marker: string }[] = [
  // Pulumi's AWS provider: `APN/1.0 Pulumi/1.0 pulumi-aws/6.56.1 ...`, bridged from Terraform's.
  { name: "Pulumi", marker: "pulumi" },
  // Crossplane's AWS providers (Upbound's and the community's): `crossplane-provider-aws/v1.16.0 ...`.
  { name: "Crossplane", marker: "crossplane" },
  // The AWS CDK CLI (bootstrap, asset publishing, deploy): `... aws-cdk/2.167.1 ...`.
  { name: "AWS CDK", marker: "aws-cdk/" },
  // The amazon.aws Ansible collection adds `Ansible/2.17.5 amazon.aws/8.2.1` to botocore's agent.
  { name: "Ansible", marker: "ansible/" },
  // Terraform's and OpenTofu's AWS provider: `APN/1.0 HashiCorp/1.0 Terraform/1.9.5 ... terraform-provider-aws/5.72.1`.
  { name: "Terraform", marker: "terraform" },
  // CloudFormation acting with the caller's credentials names itself as the agent (and as invokedBy).
  { name: "CloudFormation", marker: "cloudformation.amazonaws.com" },
];

/** The tool that made a call, with a case-insensitive `userAgent` glob for an ignore entry that matches it; undefined for anything else. */
export function infrastructureAsCodeTool(userAgent: string): { name: string; userAgent: string } | undefined {
  const agent = userAgent.toLowerCase();
  const tool = TOOLS.find((candidate) => agent.includes(candidate.marker));
  return tool && { name: tool.name, userAgent: `*${tool.marker}*` };
}
