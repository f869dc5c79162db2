import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetRoleCommand, type Role } from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand, ListAccountsCommand, type ListAccountsCommandInput } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, type AssumeRoleCommandInput, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { doctorCommand } from "@vigil/cli/src/commands/doctor.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/cli.ts";
import { loadFixture } from "../../helpers/fixtures.ts";
import { captureIo } from "../../helpers/io.ts";
import { awsError, cfn, cloudFormation, FakeAws, FORWARDER_REGIONS, healthyDeployment, MANAGEMENT_KEYS, stackAbsent } from "./doctorAws.ts";

const { DescribeStackSetCommand, DescribeStacksCommand, ListStackInstancesCommand } = cloudFormation;

const MANAGEMENT = "999988887777";
const SECURITY = "111122223333";
const REGIONS = ["us-east-1", ...FORWARDER_REGIONS];
const ORG = "o-a1b2c3d4e5";
/** 34 member accounts besides the security and the management account. */
const MEMBERS = Array.from({ length: 34 }, (_, index) => String(200000000001 + index));
const POSTURE_ROLE = "arn:aws:iam::111122223333:role/prod-vigil-Monitor-PostureFunctionServiceRole-Ab12Cd34Ef56";
const SPOKE = "vigil-prod-spoke";

function account(id: string, state: "ACTIVE" | "SUSPENDED" = "ACTIVE") {
  const name = id === MANAGEMENT ? "management" : id === SECURITY ? "security" : `workload-${id.slice(-2)}`;
  return { Id: id, Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG}/${id}`, Email: `aws+${name}@example.com`, Name: name, Status: state, State: state, JoinedMethod: "CREATED" as const, JoinedTimestamp: new Date("2026-01-15T10:00:00Z") };
}

function instance(accountId: string, region: string, status = "CURRENT", detailed = "SUCCEEDED", reason?: string) {
  const summary = loadFixture<Record<string, unknown>>("doctor/stack-instance-summary.json");
  return {
    ...summary,
    Account: accountId,
    Region: region,
    StackId: (summary.StackId as string).replace("us-east-1:200000000001", `${region}:${accountId}`),
    Status: status,
    StackInstanceStatus: { DetailedStatus: detailed },
    ...(reason ? { StatusReason: reason } : {}),
  };
}

const FAILED_REASON =
  "ResourceLogicalId:ForwardRule, ResourceType:AWS::Events::Rule, ResourceStatusReason:Resource handler returned message: \"Access denied for operation 'PutRule'. (Service: EventBridge, Status Code: 400)\".";
const INOPERABLE_REASON = "The stack instance was removed from the stack set but its stack was retained.";

/** Every member and the security account in every region, but for a few that fall short. */
function instances() {
  const covered = [SECURITY, ...MEMBERS].flatMap((id) => REGIONS.map((region) => instance(id, region)));
  return covered.flatMap((summary) => {
    const { Account: id, Region: region } = summary;
    if (id === "200000000007" && (region === "eu-north-1" || region === "ap-southeast-2")) return [];
    if (id === "200000000030") return [];
    if (id === "200000000013" && region === "us-east-2") return [instance(id, region, "OUTDATED", "FAILED", FAILED_REASON)];
    if (id === "200000000021" && region === "us-east-1") return [instance(id, region, "INOPERABLE", "INOPERABLE", INOPERABLE_REASON)];
    if (id === "200000000025" && region === "eu-north-1") return [instance(id, region, "OUTDATED", "RUNNING")];
    return [summary];
  });
}

function organizationConfig(): string {
  const file = join(tempDir("vigil-doctor-"), "prod.json");
  writeFileSync(file, JSON.stringify({ alertEmails: ["security@example.com"], slack: {}, organization: { id: ORG, managementAccountId: MANAGEMENT, deploymentTargets: ["r-ab12"] } }));
  return file;
}

describe("CLI: vigil doctor --organization", () => {
  let aws: FakeAws;
  let config: string;

  /** The organization as the security account (delegated administrator) and the management profile see it. */
  beforeEach(() => {
    aws = new FakeAws();
    healthyDeployment(aws);
    config = organizationConfig();
    const organizations = aws.on("organizations", "us-east-1");
    organizations.on(DescribeOrganizationCommand).resolves(loadFixture("doctor/describe-organization.json"));
    const accounts = [MANAGEMENT, SECURITY, ...MEMBERS].map((id) => account(id));
    organizations
      .on(ListAccountsCommand)
      .callsFake((input: ListAccountsCommandInput) =>
        input.NextToken === "page-2" ? { Accounts: [...accounts.slice(20), account("200000000099", "SUSPENDED")] } : { Accounts: accounts.slice(0, 20), NextToken: "page-2" },
      );
    const cfnHome = aws.on("cloudFormation", "us-east-1");
    cfnHome.on(cfn(DescribeStackSetCommand), { StackSetName: SPOKE, CallAs: "DELEGATED_ADMIN" }).resolves(loadFixture("doctor/describe-stack-set.json"));
    const all = instances();
    cfnHome
      .on(cfn(ListStackInstancesCommand), { StackSetName: SPOKE, CallAs: "DELEGATED_ADMIN" })
      .callsFake((input: { NextToken?: string }) => (input.NextToken === "instances-2" ? { Summaries: all.slice(100) } : { Summaries: all.slice(0, 100), NextToken: "instances-2" }));
    aws.on("sts", "us-east-1", MANAGEMENT_KEYS.accessKeyId).on(GetCallerIdentityCommand).resolves(loadFixture("doctor/sts-get-caller-identity-management.json"));
    for (const region of REGIONS) {
      const stacks = loadFixture<{ Stacks: { StackId: string }[] }>("doctor/describe-stacks-spoke.json");
      stacks.Stacks[0]!.StackId = stacks.Stacks[0]!.StackId.replace("us-east-1", region);
      aws.on("cloudFormation", region, MANAGEMENT_KEYS.accessKeyId).on(cfn(DescribeStacksCommand), { StackName: SPOKE }).resolves(stacks);
    }
  });
  afterEach(() => aws.restore());

  async function doctor(...extra: string[]) {
    const { io, out } = captureIo();
    const code = await doctorCommand(["--stage", "prod", "--config", config, "--organization", ...extra], io, aws.deps);
    return { code, ...out };
  }

  it("lists, in a few dozen accounts, each one without a current spoke in every region, with CloudFormation's reason", async () => {
    const { code, stdout } = await doctor("--management-profile", "org-management");

    expect(code).toBe(1);
    const organization = stdout.slice(stdout.indexOf("\nOrganization\n"));
    expect(organization).toContain(`  ok         organization ${ORG}: management account ${MANAGEMENT}, as ${config} says\n`);
    expect(organization).toContain(`  ok         StackSet ${SPOKE}: ACTIVE in us-east-1, deploying to ap-southeast-2, eu-north-1, us-east-1, us-east-2\n`);
    expect(organization).toContain(`  ok         instances of ${SPOKE}: 30 of 35 member accounts have a current spoke in all 4 regions\n`);
    expect(organization).toContain("  PROBLEM    account 200000000007 (workload-07): no spoke in eu-north-1, ap-southeast-2\n");
    expect(organization).toContain(`  PROBLEM    account 200000000013 (workload-13): OUTDATED/FAILED in us-east-2: ${FAILED_REASON}\n`);
    expect(organization).toContain(`  PROBLEM    account 200000000021 (workload-21): INOPERABLE in us-east-1: ${INOPERABLE_REASON}\n`);
    expect(organization).toContain("  warning    account 200000000025 (workload-25): a StackSet operation is under way in eu-north-1 (RUNNING)\n");
    expect(organization).toContain("  PROBLEM    account 200000000030 (workload-30): no spoke in us-east-1, us-east-2, eu-north-1, ap-southeast-2\n");
    expect(organization).toContain(`→ add it (or its OU) to the StackSet's deployment targets: aws cloudformation create-stack-instances --stack-set-name ${SPOKE} --call-as DELEGATED_ADMIN --deployment-targets OrganizationalUnitIds=<its OU> --regions eu-north-1 ap-southeast-2\n`);
    expect(organization).toContain(
      `→ fix the cause named, then: aws cloudformation update-stack-instances --stack-set-name ${SPOKE} --call-as DELEGATED_ADMIN --deployment-targets OrganizationalUnitIds=ou-ab12-cd34ef56,Accounts=200000000013,AccountFilterType=INTERSECTION --regions us-east-2\n`,
    );
    // The management account gets a plain stack, never a StackSet instance; a suspended account needs none.
    expect(organization).not.toMatch(/PROBLEM +account (999988887777|200000000099)/);
    for (const region of REGIONS) expect(organization).toContain(`  ok         ${SPOKE} in management account ${MANAGEMENT}, ${region}: CREATE_COMPLETE\n`);
    expect(stdout).toMatch(/\n4 problems \(and 1 warning, 1 not checked\): account 200000000007 \(workload-07\); account 200000000013 \(workload-13\); account 200000000021 \(workload-21\); account 200000000030 \(workload-30\)\n$/);

    const calls = aws.on("cloudFormation", "us-east-1").commandCalls(cfn(ListStackInstancesCommand));
    // Both pages, as the delegated administrator (the paginator reuses one input object, so only these are comparable).
    expect(calls.map(({ args: [{ input }] }) => [input.StackSetName, input.CallAs])).toEqual([
      [SPOKE, "DELEGATED_ADMIN"],
      [SPOKE, "DELEGATED_ADMIN"],
    ]);
  });

  it("calls a missing management spoke stack a problem, read with the management profile after checking its account", async () => {
    aws.on("cloudFormation", "eu-north-1", MANAGEMENT_KEYS.accessKeyId).on(cfn(DescribeStacksCommand)).rejects(stackAbsent(SPOKE));
    const { stdout } = await doctor("--management-profile", "org-management");

    expect(stdout).toContain(`  PROBLEM    ${SPOKE} in management account ${MANAGEMENT}, eu-north-1: absent: the management account's events in this region are not forwarded\n`);
    expect(aws.on("sts", "us-east-1", MANAGEMENT_KEYS.accessKeyId).commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(aws.on("cloudFormation", "eu-north-1").commandCalls(cfn(DescribeStacksCommand)).map((call) => call.args[0].input)).toEqual([{ StackName: "prod-vigil-Forwarder" }]);
  });

  it("without credentials for the management account, says it could not check its spoke and prints the command that can", async () => {
    const { stdout } = await doctor();

    expect(stdout).toContain(
      `  unchecked  ${SPOKE} in management account ${MANAGEMENT}: could not check: your credentials are for account ${SECURITY}, and only the management account can read its own stacks\n` +
        `             → run: vigil doctor --stage prod --config ${config} --organization --management-profile <a profile of account ${MANAGEMENT}>\n`,
    );
    expect(aws.made.filter((made) => made.includes(MANAGEMENT_KEYS.accessKeyId))).toEqual([]);
  });

  it("does not read stacks with a profile of another account", async () => {
    aws.on("sts", "us-east-1", MANAGEMENT_KEYS.accessKeyId).on(GetCallerIdentityCommand).resolves(loadFixture("doctor/sts-get-caller-identity-security.json"));
    const { stdout } = await doctor("--management-profile", "org-management");

    expect(stdout).toContain(`  unchecked  profile org-management: could not check the management spoke: the profile is for account ${SECURITY}, not the management account ${MANAGEMENT}\n`);
  });

  it("from the management account, calls the StackSet as SELF and reads its own spoke with its own credentials", async () => {
    aws.on("sts", "us-east-1").on(GetCallerIdentityCommand).resolves(loadFixture("doctor/sts-get-caller-identity-management.json"));
    const home = aws.on("cloudFormation", "us-east-1");
    home.on(cfn(DescribeStackSetCommand), { StackSetName: SPOKE, CallAs: "SELF" }).resolves(loadFixture("doctor/describe-stack-set.json"));
    home.on(cfn(ListStackInstancesCommand), { StackSetName: SPOKE, CallAs: "SELF" }).resolves({ Summaries: instances() });
    home.on(cfn(DescribeStacksCommand), { StackName: SPOKE }).resolves(loadFixture("doctor/describe-stacks-spoke.json"));
    for (const region of FORWARDER_REGIONS) aws.on("cloudFormation", region).on(cfn(DescribeStacksCommand), { StackName: SPOKE }).resolves(loadFixture("doctor/describe-stacks-spoke.json"));
    const { stdout } = await doctor();

    expect(stdout).toContain(`  ok         instances of ${SPOKE}: 30 of 35 member accounts`);
    expect(stdout).toContain(`  ok         ${SPOKE} in management account ${MANAGEMENT}, us-east-1: CREATE_COMPLETE\n`);
    expect(home.commandCalls(cfn(ListStackInstancesCommand))[0]!.args[0].input.CallAs).toBe("SELF");
  });

  it("says a refused ListStackInstances could not be checked, and goes on with the rest", async () => {
    const denied = `User: arn:aws:sts::${SECURITY}:assumed-role/SecurityAudit/alice is not authorized to perform: cloudformation:ListStackInstances on resource: arn:aws:cloudformation:us-east-1:${MANAGEMENT}:stackset/${SPOKE}:*`;
    aws.on("cloudFormation", "us-east-1").on(cfn(ListStackInstancesCommand)).rejects(awsError("AccessDenied", denied, 403));
    const { code, stdout } = await doctor("--management-profile", "org-management");

    expect(code).toBe(0);
    expect(stdout).toContain(
      `  unchecked  instances of ${SPOKE}: could not check: cloudformation:ListStackInstances: AccessDenied: ${denied}\n` +
        "             → allow cloudformation:ListStackInstances to the credentials you run vigil doctor with, or run it as a role that has it\n",
    );
    expect(stdout).toContain(`ok         ${SPOKE} in management account ${MANAGEMENT}, us-east-1: CREATE_COMPLETE`);
    expect(stdout).not.toContain("PROBLEM");
  });

  it("reports an absent StackSet as a problem, and a stage configuration without an organization block", async () => {
    aws.on("cloudFormation", "us-east-1").on(cfn(DescribeStackSetCommand)).rejects(awsError("StackSetNotFoundException", `StackSet ${SPOKE} not found`));
    writeFileSync(config, JSON.stringify({ alertEmails: ["security@example.com"], slack: {} }));
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain(`  PROBLEM    ${config}: has no organization block: the deployment watches only its own account\n`);
    expect(stdout).toContain(`  PROBLEM    StackSet ${SPOKE}: absent (looked up with CallAs DELEGATED_ADMIN): no member account is watched\n`);
    expect(aws.on("cloudFormation", "us-east-1").commandCalls(cfn(ListStackInstancesCommand))).toHaveLength(0);
  });

  it("says honestly that a human cannot check the audit roles without a role in the member accounts", async () => {
    const { stdout } = await doctor("--management-profile", "org-management");

    expect(stdout).toContain(
      `  unchecked  audit role VigilAudit: could not check: only the posture role (${POSTURE_ROLE}) may assume it, and your credentials cannot read IAM in the member accounts\n` +
        `             → to read it in 5 sampled accounts: vigil doctor --stage prod --config ${config} --organization --management-profile org-management --member-role <a role you may assume in member accounts, such as OrganizationAccountAccessRole>\n`,
    );
    expect(aws.made.some((made) => made.startsWith("iam "))).toBe(false);
  });

  it("with --member-role, reads the audit role of a sample of accounts: absent, or not trusting the posture role, is a problem", async () => {
    const sts = aws.on("sts", "us-east-1", MANAGEMENT_KEYS.accessKeyId);
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
      const accountId = input.RoleArn?.split(":")[4] ?? "";
      const answer = loadFixture<{ Credentials: Record<string, unknown>; AssumedRoleUser: Record<string, string> }>("doctor/assume-role.json");
      return { ...answer, Credentials: { ...answer.Credentials, AccessKeyId: `ASIA${accountId}TEMP`, Expiration: new Date("2026-12-05T20:15:00Z") } };
    });
    aws.on("iam", "us-east-1", "ASIA200000000001TEMP").on(GetRoleCommand, { RoleName: "VigilAudit" }).resolves(loadFixture("doctor/get-role-audit.json"));
    const stale = loadFixture<{ Role: Role }>("doctor/get-role-audit.json");
    stale.Role.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "AROA6ON6E4XEOLDPOSTURE" }, Action: "sts:AssumeRole" }] }));
    aws.on("iam", "us-east-1", "ASIA200000000002TEMP").on(GetRoleCommand).resolves(stale);
    aws.on("iam", "us-east-1", "ASIA200000000003TEMP").on(GetRoleCommand).rejects(awsError("NoSuchEntityException", "The role with name VigilAudit cannot be found.", 404));
    const { code, stdout } = await doctor("--management-profile", "org-management", "--member-role", "OrganizationAccountAccessRole", "--sample", "3");

    expect(code).toBe(1);
    expect(stdout).toContain("  ok         audit role VigilAudit in 200000000001 (workload-01): exists and trusts the posture role\n");
    expect(stdout).toContain(`  PROBLEM    audit role VigilAudit in 200000000002 (workload-02): the posture role cannot assume it: its trust policy names AROA6ON6E4XEOLDPOSTURE, not ${POSTURE_ROLE}\n`);
    expect(stdout).toContain("  PROBLEM    audit role VigilAudit in 200000000003 (workload-03): absent: the posture run cannot read this account\n");
    // The management account assumes the member role: OrganizationAccountAccessRole trusts it, not the security account.
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual(["200000000001", "200000000002", "200000000003"].map((id) => `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`));
  });

  it("reads the management account's audit role with its profile, not through a member role it does not have", async () => {
    // The last of the 35 candidates (the members, then the management account) is drawn.
    const { io, out } = captureIo();
    aws.on("iam", "us-east-1", MANAGEMENT_KEYS.accessKeyId).on(GetRoleCommand, { RoleName: "VigilAudit" }).resolves(loadFixture("doctor/get-role-audit.json"));
    const argv = ["--stage", "prod", "--config", config, "--organization", "--management-profile", "org-management", "--member-role", "OrganizationAccountAccessRole", "--sample", "1"];
    await doctorCommand(argv, io, { ...aws.deps, random: () => 0.999 });

    expect(out.stdout).toContain(`  ok         audit role VigilAudit in ${MANAGEMENT} (management): exists and trusts the posture role\n`);
    expect(aws.on("sts", "us-east-1", MANAGEMENT_KEYS.accessKeyId).commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it("says it could not check an account whose member role it may not assume", async () => {
    const denied = `User: arn:aws:sts::${SECURITY}:assumed-role/SecurityAudit/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::200000000001:role/OrganizationAccountAccessRole`;
    aws.on("sts", "us-east-1").on(AssumeRoleCommand).rejects(awsError("AccessDenied", denied, 403));
    const { stdout } = await doctor("--member-role", "OrganizationAccountAccessRole", "--sample", "1");

    expect(stdout).toContain(`  unchecked  audit role VigilAudit in 200000000001 (workload-01): could not check: sts:AssumeRole arn:aws:iam::200000000001:role/OrganizationAccountAccessRole: AccessDenied: ${denied}\n`);
  });
});
