/**
 * Known AWS IAM privilege-escalation methods: sets of actions that, granted together, let a
 * principal give itself more than it was given. A method counts when every entry of `requires` is
 * granted (by name or by wildcard); an entry that is a list needs any one of its actions.
 *
 * Resource scoping is counted only as far as analysePermissions does (an action is granted when the
 * statement's resources could hold one of its service's resources): `iam:PassRole` on one role is
 * still a path when that role is privileged, and a policy event does not tell us which roles are.
 *
 * Sources:
 * - [rhino] Spencer Gietzen, Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and
 *   Mitigation" (the 21 original methods, numbered below as R1..R21), and its part 2 (SageMaker).
 *   https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 * - [bishopfox] Bishop Fox, iam-vulnerable: 31 deployable paths, adding CodeBuild, SageMaker, SSM,
 *   EC2 Instance Connect and CloudFormation UpdateStack. https://github.com/BishopFox/iam-vulnerable
 * - [cloudsplaining] Salesforce Cloudsplaining, PRIVILEGE_ESCALATION_METHODS in
 *   cloudsplaining/shared/constants.py, which also carries paths from Datadog's pathfinding.cloud.
 *   https://github.com/salesforce/cloudsplaining
 *
 * Every action named here must exist in the real action index; a test checks it, so a renamed
 * or retired action fails the build instead of silently never matching.
 */

export type EscalationSource = "rhino" | "bishopfox" | "cloudsplaining";

export interface EscalationMethod {
  /** Stable, kebab-case. */
  id: string;
  title: string;
  /** Every entry must be granted; a list entry needs any one of its actions. */
  requires: readonly (string | readonly string[])[];
  sources: readonly EscalationSource[];
}

/** The three sources together: the methods everyone lists. */
const ALL: readonly EscalationSource[] = ["rhino", "bishopfox", "cloudsplaining"];

function method(id: string, title: string, requires: EscalationMethod["requires"], sources: readonly EscalationSource[]): EscalationMethod {
  return { id, title, requires, sources };
}

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  // Permissions on policies (R1, R2, R7–R12).
  method("create-policy-version", "Create a new default version of a managed policy", ["iam:CreatePolicyVersion"], ALL),
  method("set-default-policy-version", "Make an older, broader policy version the default", ["iam:SetDefaultPolicyVersion"], ALL),
  method("attach-user-policy", "Attach a managed policy to a user", ["iam:AttachUserPolicy"], ALL),
  method("attach-group-policy", "Attach a managed policy to a group", ["iam:AttachGroupPolicy"], ALL),
  // R9 and R12 pair these with a role the attacker can assume; like Cloudsplaining we count them alone,
  // because the attacker's own session role is such a role.
  method("attach-role-policy", "Attach a managed policy to a role", ["iam:AttachRolePolicy"], ALL),
  method("put-user-policy", "Write an inline policy on a user", ["iam:PutUserPolicy"], ALL),
  method("put-group-policy", "Write an inline policy on a group", ["iam:PutGroupPolicy"], ALL),
  method("put-role-policy", "Write an inline policy on a role", ["iam:PutRolePolicy"], ALL),
  method("add-user-to-group", "Add a user to a more privileged group", ["iam:AddUserToGroup"], ALL),

  // Permissions on other users' credentials (R4–R6).
  method("create-access-key", "Create an access key for another user", ["iam:CreateAccessKey"], ALL),
  method("create-login-profile", "Give another user a console password", ["iam:CreateLoginProfile"], ALL),
  method("update-login-profile", "Change another user's console password", ["iam:UpdateLoginProfile"], ALL),

  // R14 lists sts:AssumeRole too. It is not needed: in the same account, a trust policy that names the
  // caller's ARN lets it assume the role without any identity permission (Cloudsplaining counts it alone).
  method("update-assume-role-policy", "Rewrite a role's trust policy to assume it", ["iam:UpdateAssumeRolePolicy"], ALL),

  // Passing a role to a new compute resource (R3, R15, R16, R18, R20, R21 and later additions).
  method("passrole-ec2", "Pass a role to a new EC2 instance", ["iam:PassRole", "ec2:RunInstances"], ALL),
  method("passrole-ec2-spot", "Pass a role to a new EC2 Spot instance", ["iam:PassRole", "ec2:RequestSpotInstances"], ["cloudsplaining"]),
  method(
    "passrole-lambda",
    "Pass a role to a new Lambda function and run it",
    ["iam:PassRole", "lambda:CreateFunction", ["lambda:InvokeFunction", "lambda:CreateEventSourceMapping", "lambda:AddPermission"]],
    ALL,
  ),
  method("passrole-glue-dev-endpoint", "Pass a role to a new Glue development endpoint", ["iam:PassRole", "glue:CreateDevEndpoint"], ALL),
  method(
    "passrole-glue-job",
    "Pass a role to a new Glue job and run it",
    ["iam:PassRole", "glue:CreateJob", ["glue:StartJobRun", "glue:CreateTrigger"]],
    ["cloudsplaining"],
  ),
  method("passrole-cloudformation", "Pass a role to a new CloudFormation stack", ["iam:PassRole", "cloudformation:CreateStack"], ALL),
  method(
    "passrole-datapipeline",
    "Pass a role to a new Data Pipeline",
    ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
    ALL,
  ),
  method(
    "passrole-codebuild",
    "Pass a role to a new CodeBuild project and build it",
    ["iam:PassRole", "codebuild:CreateProject", ["codebuild:StartBuild", "codebuild:StartBuildBatch"]],
    ["bishopfox", "cloudsplaining"],
  ),
  method(
    "passrole-sagemaker-notebook",
    "Pass a role to a new SageMaker notebook and open it",
    ["iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
    ALL,
  ),
  method(
    "passrole-sagemaker-training-job",
    "Pass a role to a new SageMaker training job",
    ["iam:PassRole", "sagemaker:CreateTrainingJob"],
    ["bishopfox", "cloudsplaining"],
  ),
  method(
    "passrole-sagemaker-processing-job",
    "Pass a role to a new SageMaker processing job",
    ["iam:PassRole", "sagemaker:CreateProcessingJob"],
    ["bishopfox", "cloudsplaining"],
  ),
  method(
    "passrole-ecs-task",
    "Pass a role to a new ECS task definition and run it",
    ["iam:PassRole", "ecs:RegisterTaskDefinition", ["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"]],
    ["cloudsplaining"],
  ),
  method("passrole-apprunner", "Pass a role to a new App Runner service", ["iam:PassRole", "apprunner:CreateService"], ["cloudsplaining"]),

  // Taking over an existing resource that already runs with a role (R17, R19 and later additions).
  method("update-lambda-code", "Replace the code of a Lambda function that has a role", ["lambda:UpdateFunctionCode"], ALL),
  method("update-glue-dev-endpoint", "Add an SSH key to a Glue development endpoint", ["glue:UpdateDevEndpoint"], ALL),
  method(
    "update-cloudformation-stack",
    "Update a CloudFormation stack that runs with a privileged role",
    ["cloudformation:UpdateStack"],
    ["bishopfox"],
  ),
  method(
    "cloudformation-change-set",
    "Run a change set on a stack that runs with a privileged role",
    ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
    ["cloudsplaining"],
  ),
  method(
    "sagemaker-presigned-notebook-url",
    "Open an existing SageMaker notebook and use its role",
    ["sagemaker:CreatePresignedNotebookInstanceUrl"],
    ALL,
  ),
  method("ssm-send-command", "Run commands on an instance and use its role", ["ssm:SendCommand"], ["bishopfox"]),
  method("ssm-start-session", "Open a shell on an instance and use its role", ["ssm:StartSession"], ["bishopfox"]),
  method(
    "ec2-instance-connect",
    "Push an SSH key to an instance and use its role",
    ["ec2-instance-connect:SendSSHPublicKey"],
    ["bishopfox", "cloudsplaining"],
  ),
  method(
    "ec2-user-data",
    "Rewrite an instance's user data and restart it",
    ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
    ["cloudsplaining"],
  ),
];

/** A method a policy grants, with the actions that complete it (one per `requires` entry). */
export interface EscalationMatch {
  method: EscalationMethod;
  actions: string[];
}

/** The methods whose every requirement `granted` accepts, in list order. */
export function findEscalations(granted: (action: string) => boolean, methods: readonly EscalationMethod[] = ESCALATION_METHODS): EscalationMatch[] {
  const matches: EscalationMatch[] = [];
  for (const method of methods) {
    const actions: string[] = [];
    for (const requirement of method.requires) {
      const options = typeof requirement === "string" ? [requirement] : requirement;
      const action = options.find(granted);
      if (action === undefined) break;
      actions.push(action);
    }
    if (actions.length === method.requires.length) matches.push({ method, actions });
  }
  return matches;
}

/** Every action the list names, once each. */
export function escalationActions(methods: readonly EscalationMethod[] = ESCALATION_METHODS): string[] {
  return [...new Set(methods.flatMap((method) => method.requires.flat()))];
}

/** `iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction`. */
export function describeEscalation(match: EscalationMatch): string {
  return match.actions.join(" + ");
}
