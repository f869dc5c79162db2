import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { main } from "@vigil/cli";
import { doctorCommand } from "@vigil/cli/src/commands/doctor.ts";
import { UsageError } from "@vigil/cli/src/errors.ts";
import { CallerUnknownError } from "@vigil/cli/src/doctor/runDoctor.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/cli.ts";
import { loadFixture } from "../../helpers/fixtures.ts";
import { captureIo } from "../../helpers/io.ts";
import { awsError, cfn, cloudFormation, FakeAws, FINDINGS_TOPIC, healthyDeployment, OPS_TOPIC, stackAbsent } from "./doctorAws.ts";

/** config/prod.json as a stage with Slack and the default forwarder regions would have it. */
function stageConfig(extra: Record<string, unknown> = {}): string {
  const file = join(tempDir("vigil-doctor-"), "prod.json");
  writeFileSync(file, JSON.stringify({ alertEmails: ["security@example.com", "soc@example.com"], opsEmails: ["ops@example.com"], slack: { minSeverity: "MEDIUM" }, retentionDays: 30, ...extra }));
  return file;
}

const { DescribeStacksCommand } = cloudFormation;

describe("CLI: vigil doctor (single account)", () => {
  let aws: FakeAws;
  let config: string;
  beforeEach(() => {
    aws = new FakeAws();
    healthyDeployment(aws);
    config = stageConfig();
  });
  afterEach(() => aws.restore());

  async function doctor(...extra: string[]) {
    const { io, out } = captureIo();
    const code = await doctorCommand(["--stage", "prod", "--config", config, ...extra], io, aws.deps);
    return { code, ...out };
  }

  it("says every part of a healthy deployment is ok, one line each, and exits 0", async () => {
    const { code, stdout } = await doctor();

    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `Vigil doctor: stage prod, as account 111122223333, configuration from ${config}`,
        "",
        "Stacks",
        "  ok         prod-vigil-Monitor in us-east-1: UPDATE_COMPLETE",
        "  ok         prod-vigil-Forwarder in us-east-2: UPDATE_COMPLETE",
        "  ok         prod-vigil-Forwarder in eu-north-1: UPDATE_COMPLETE",
        "  ok         prod-vigil-Forwarder in ap-southeast-2: UPDATE_COMPLETE",
        "",
        "Notifications",
        "  ok         findings topic: 2 confirmed email subscriptions",
        "  ok         ops topic: 1 confirmed email subscription",
        "  ok         Slack webhook parameter /vigil/slack-webhook: readable SecureString holding an https URL",
        "",
        "All 7 checks ok.",
        "",
      ].join("\n"),
    );
    expect(stdout).not.toContain("hooks.slack.com");
  });

  it("prints the same checks as JSON with --json, and never the webhook", async () => {
    const { code, stdout } = await doctor("--json");

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ stage: "prod", account: "111122223333", summary: { ok: 7, warning: 0, problem: 0, unchecked: 0 }, verdict: "All 7 checks ok." });
    expect(report.checks[0]).toEqual({ area: "Stacks", status: "ok", subject: "prod-vigil-Monitor in us-east-1", detail: "UPDATE_COMPLETE" });
    expect(stdout).not.toContain("doctorTestWebhookSecret1");
  });

  it("reads only, and the Slack parameter only when the stage sends to Slack", async () => {
    config = stageConfig({ slack: undefined });
    const { code, stdout } = await doctor();

    expect(code).toBe(0);
    expect(stdout).not.toContain("Slack");
    expect(aws.on("ssm", "us-east-1").commandCalls(GetParameterCommand)).toHaveLength(0);
    const operations = aws.made.map((made) => made.split(" ").slice(0, 2).join(" "));
    expect(new Set(operations)).toEqual(new Set(["sts us-east-1", "cloudFormation us-east-1", "cloudFormation us-east-2", "cloudFormation eu-north-1", "cloudFormation ap-southeast-2", "sns us-east-1"]));
  });

  it("names a missing forwarder stack and the command that deploys it, and exits 1", async () => {
    aws.on("cloudFormation", "eu-north-1").on(cfn(DescribeStacksCommand), { StackName: "prod-vigil-Forwarder" }).rejects(stackAbsent("prod-vigil-Forwarder"));
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain("  PROBLEM    prod-vigil-Forwarder in eu-north-1: absent\n             → deploy it: npx sst deploy --stage prod --region eu-north-1\n");
    expect(stdout).toMatch(/\n1 problem: prod-vigil-Forwarder in eu-north-1\n$/);
  });

  it("reads only the regions the stage configures", async () => {
    config = stageConfig({ forwarderRegions: ["eu-west-1"] });
    aws.on("cloudFormation", "eu-west-1").on(cfn(DescribeStacksCommand)).rejects(stackAbsent("prod-vigil-Forwarder"));
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain("PROBLEM    prod-vigil-Forwarder in eu-west-1: absent");
    expect(stdout).not.toContain("us-east-2");
  });

  it("explains a stack whose creation rolled back: nothing runs, delete and deploy again", async () => {
    const stacks = loadFixture<{ Stacks: Record<string, unknown>[] }>("doctor/describe-stacks-forwarder.json");
    Object.assign(stacks.Stacks[0]!, { StackId: stacks.Stacks[0]!.StackId, StackStatus: "ROLLBACK_COMPLETE", StackStatusReason: "The following resource(s) failed to create: [ForwardRule]. Rollback requested by user." });
    aws.on("cloudFormation", "us-east-2").on(cfn(DescribeStacksCommand)).resolves(stacks);
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain(
      "  PROBLEM    prod-vigil-Forwarder in us-east-2: ROLLBACK_COMPLETE (The following resource(s) failed to create: [ForwardRule]. Rollback requested by user.): its creation failed and nothing of it runs\n" +
        "             → read why in aws cloudformation describe-stack-events --stack-name prod-vigil-Forwarder --region us-east-2, delete it (aws cloudformation delete-stack --stack-name prod-vigil-Forwarder --region us-east-2) and deploy again: npx sst deploy --stage prod --region us-east-2\n",
    );
  });

  it("still checks the topics of a Monitor whose last update rolled back (its previous version runs)", async () => {
    const stacks = loadFixture<{ Stacks: Record<string, unknown>[] }>("doctor/describe-stacks-monitor.json");
    Object.assign(stacks.Stacks[0]!, { StackStatus: "UPDATE_ROLLBACK_COMPLETE" });
    aws.on("cloudFormation", "us-east-1").on(cfn(DescribeStacksCommand)).resolves(stacks);
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain("PROBLEM    prod-vigil-Monitor in us-east-1: UPDATE_ROLLBACK_COMPLETE: the last deploy failed and was rolled back; the previous version still runs");
    expect(stdout).toContain("ok         findings topic: 2 confirmed email subscriptions");
  });

  it("cannot check the topics of an absent Monitor stack, and says why instead of guessing", async () => {
    aws.on("cloudFormation", "us-east-1").on(cfn(DescribeStacksCommand)).rejects(stackAbsent("prod-vigil-Monitor"));
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain("PROBLEM    prod-vigil-Monitor in us-east-1: absent\n             → deploy it: npx sst deploy --stage prod\n");
    expect(stdout).toContain("unchecked  findings topic: could not check: the Monitor stack's outputs are unavailable (see Stacks)");
    expect(stdout).toMatch(/\n1 problem \(and 2 not checked\): prod-vigil-Monitor in us-east-1\n$/);
    expect(aws.on("sns", "us-east-1").commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(0);
  });

  it("names a pending email subscription, masked, as a problem; a topic without email as a warning", async () => {
    const sns = aws.on("sns", "us-east-1");
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: FINDINGS_TOPIC }).resolves(loadFixture("doctor/list-subscriptions-findings-pending.json"));
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: OPS_TOPIC }).resolves({ Subscriptions: [] });
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain("  ok         findings topic: 1 confirmed email subscription\n");
    expect(stdout).toContain(
      "  PROBLEM    findings topic: s***@example.com has not confirmed its subscription and receives nothing\n" +
        `             → ask them to click the link in the "AWS Notification - Subscription Confirmation" email; to send it again: aws sns subscribe --region us-east-1 --topic-arn ${FINDINGS_TOPIC} --protocol email --notification-endpoint <their address>\n`,
    );
    expect(stdout).toContain("  warning    ops topic: no email subscription: nobody is emailed\n");
    expect(stdout).not.toContain("soc@example.com");
    expect(stdout).toMatch(/\n1 problem \(and 1 warning\): findings topic\n$/);
  });

  it("follows the subscription pages", async () => {
    const [first, second] = loadFixture<{ Subscriptions: [Record<string, string>, Record<string, string>] }>("doctor/list-subscriptions-findings-pending.json").Subscriptions;
    const sns = aws.on("sns", "us-east-1");
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: FINDINGS_TOPIC }).resolves({ Subscriptions: [first], NextToken: "AAEBAf/8v+page2" });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: FINDINGS_TOPIC, NextToken: "AAEBAf/8v+page2" }).resolves({ Subscriptions: [second] });
    const { stdout } = await doctor();

    expect(stdout).toContain("findings topic: s***@example.com has not confirmed");
  });

  it("reports a Slack parameter that does not exist as a problem, with the command that stores it", async () => {
    aws.on("ssm", "us-east-1").on(GetParameterCommand).rejects(awsError("ParameterNotFound", ""));
    const { code, stdout } = await doctor();

    expect(code).toBe(1);
    expect(stdout).toContain(
      "  PROBLEM    Slack webhook parameter /vigil/slack-webhook: absent in us-east-1: no finding reaches Slack\n" +
        "             → create it: aws ssm put-parameter --region us-east-1 --type SecureString --name /vigil/slack-webhook --value '<webhook URL>' --overwrite\n",
    );
  });

  it("says it could not check a Slack parameter the caller may not read, without calling the deployment broken", async () => {
    const denied = "User: arn:aws:sts::111122223333:assumed-role/SecurityAudit/alice is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:111122223333:parameter/vigil/slack-webhook because no identity-based policy allows the ssm:GetParameter action";
    aws.on("ssm", "us-east-1").on(GetParameterCommand).rejects(awsError("AccessDeniedException", denied));
    const { code, stdout } = await doctor();

    expect(code).toBe(0);
    expect(stdout).toContain(`  unchecked  Slack webhook parameter /vigil/slack-webhook: could not check: ssm:GetParameter: AccessDeniedException: ${denied}\n`);
    expect(stdout).toMatch(/\nNo problem found in 6 checks; 1 not checked\.\n$/);
  });

  it("reports a webhook kept as a plain String, and one that holds no URL", async () => {
    const plain = loadFixture<{ Parameter: Record<string, unknown> }>("doctor/get-parameter-slack.json");
    plain.Parameter.Type = "String";
    aws.on("ssm", "us-east-1").on(GetParameterCommand).resolvesOnce(plain).resolves({ Parameter: { ...plain.Parameter, Type: "SecureString", Value: "TODO" } });
    expect((await doctor()).stdout).toContain("warning    Slack webhook parameter /vigil/slack-webhook: readable, but a String parameter: the webhook is stored unencrypted");
    const second = await doctor();
    expect(second.stdout).toContain("PROBLEM    Slack webhook parameter /vigil/slack-webhook: does not hold an https webhook URL");
    expect(second.stdout).not.toContain("TODO");
  });

  it("turns a refused call into a could-not-check line, not a crash", async () => {
    aws.on("sns", "us-east-1").on(ListSubscriptionsByTopicCommand).rejects(awsError("AuthorizationError", "User: arn:aws:sts::111122223333:assumed-role/SecurityAudit/alice is not authorized to perform: SNS:ListSubscriptionsByTopic", 403));
    const { code, stdout } = await doctor();

    expect(code).toBe(0);
    expect(stdout).toContain("  unchecked  findings topic: could not check: sns:ListSubscriptionsByTopic: AuthorizationError: User: arn:aws:sts::111122223333:assumed-role/SecurityAudit/alice is not authorized");
    expect(stdout).toContain("→ allow sns:ListSubscriptionsByTopic to the credentials you run vigil doctor with");
  });

  it("fails (exit 3 through main) when the credentials name no account", async () => {
    aws.on("sts", "us-east-1").on(GetCallerIdentityCommand).rejects(awsError("ExpiredToken", "The security token included in the request is expired", 403));
    await expect(doctor()).rejects.toThrow(new CallerUnknownError("cannot tell which account the credentials are for: sts:GetCallerIdentity: ExpiredToken: The security token included in the request is expired"));
  });

  it("refuses bad command lines before any call", async () => {
    const { io } = captureIo();
    await expect(doctorCommand([], io, aws.deps)).rejects.toThrow(new UsageError("--stage is required"));
    await expect(doctorCommand(["--stage", "prod", "--sample", "3"], io, aws.deps)).rejects.toThrow(new UsageError("--sample goes with --organization"));
    await expect(doctorCommand(["--stage", "prod", "--organization", "--sample", "0"], io, aws.deps)).rejects.toThrow(/--sample: expected a whole number from 1 to 100/);
    await expect(doctorCommand(["--stage", "prod; rm", "--config", config], io, aws.deps)).rejects.toThrow(/--stage: expected a stage name/);
    expect(aws.made).toEqual([]);
  });

  it("reads config/<stage>.json by default, and without one takes the defaults a deploy would", async () => {
    const cwd = process.cwd();
    process.chdir(tempDir("vigil-doctor-cwd-"));
    try {
      const { io, out } = captureIo();
      expect(await doctorCommand(["--stage", "prod"], io, aws.deps)).toBe(0);
      expect(out.stdout).toContain("configuration from defaults (no config/prod.json)");
      // The defaults send nothing to Slack.
      expect(out.stdout).not.toContain("Slack");
    } finally {
      process.chdir(cwd);
    }
  });

  it("refuses a stage configuration with a bad forwarder region, naming the file and key", async () => {
    config = stageConfig({ forwarderRegions: ["mars-1"] });
    await expect(doctor()).rejects.toThrow(`${config}: forwarderRegions.0: must be an AWS region such as eu-west-1`);
  });
});

describe("CLI: vigil doctor through main", () => {
  it("is listed in the help and has its own", async () => {
    const help = captureIo();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.out.stdout).toContain("  doctor            check a deployed stage");
    const own = captureIo();
    expect(await main(["doctor", "--help"], own.io)).toBe(0);
    expect(own.out.stdout).toMatch(/^Usage: vigil doctor --stage NAME \[--organization\] \[options\]/);
  });

  it("exits 2 on a usage error, with the usage", async () => {
    const { io, out } = captureIo();
    expect(await main(["doctor", "--organization"], io)).toBe(2);
    expect(out.stderr).toMatch(/^vigil doctor: --stage is required\n\nUsage: vigil doctor/);
  });
});
