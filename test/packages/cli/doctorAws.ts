import { createRequire } from "node:module";
import { join } from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListSubscriptionsByTopicCommand, type ListSubscriptionsByTopicCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { DoctorDependencies } from "@vigil/cli/src/commands/doctor.ts";
import type { ClientFactory, Credentials, DoctorClients } from "@vigil/cli/src/doctor/clients.ts";
import { type AwsStub, mockClient } from "aws-sdk-client-mock";
import { REPO } from "../../helpers/cli.ts";
import { loadFixture } from "../../helpers/fixtures.ts";

/**
 * The CLI has its own, newer copy of client-cloudformation (the root's is SST's); the mocks match
 * commands by class, so the tests must take that copy's classes, not the one test/ resolves.
 */
export const cloudFormation = createRequire(join(REPO, "packages", "cli", "package.json"))("@aws-sdk/client-cloudformation") as typeof import("../../../packages/cli/node_modules/@aws-sdk/client-cloudformation");
const { CloudFormationClient, DescribeStacksCommand } = cloudFormation;

/** The caller's default chain, and the keys --management-profile resolves to in these tests. */
export const MANAGEMENT_KEYS = { accessKeyId: "AKIAMANAGEMENTPROFILE", secretAccessKey: "management-secret" };
const CALLER_KEYS = { accessKeyId: "AKIACALLERDEFAULTCHAIN", secretAccessKey: "caller-secret" };

export const FINDINGS_TOPIC = "arn:aws:sns:us-east-1:111122223333:prod-vigil-Monitor-FindingsTopic5D8A2F1C-x7RkQ2mN9bVd";
export const OPS_TOPIC = "arn:aws:sns:us-east-1:111122223333:prod-vigil-Monitor-OpsTopic0B9C4E7A-p3LsW8tY1uZe";
export const FORWARDER_REGIONS = ["us-east-2", "eu-north-1", "ap-southeast-2"];

const CONSTRUCTORS = { cloudFormation: CloudFormationClient, iam: IAMClient, organizations: OrganizationsClient, sns: SNSClient, ssm: SSMClient, sts: STSClient };

// One stub type for the clients of six services, whose command types differ.
type Stub = AwsStub<any, any, any>;

/**
 * Real SDK clients, one per service, region and identity (the caller, the management profile, or
 * an assumed role's access key id), each driven by aws-sdk-client-mock. A call nobody scripted
 * fails loudly, so a test sees exactly which calls the doctor makes.
 */
export class FakeAws {
  private readonly stubs = new Map<string, { client: object; stub: Stub }>();
  readonly made: string[] = [];

  readonly client: ClientFactory = (service, region, credentials) => {
    this.made.push(`${service} ${region} ${identityOf(credentials)}`);
    return this.entry(service, region, identityOf(credentials)).client as DoctorClients[typeof service];
  };

  readonly deps: DoctorDependencies = {
    client: this.client,
    profileCredentials: (profile) => {
      if (profile !== "org-management") throw new Error(`unexpected profile ${profile}`);
      return MANAGEMENT_KEYS;
    },
    // Always the first remaining account: the sample is the first accounts in order.
    random: () => 0,
  };

  /** The stub of a service in a region, for the caller unless `identity` (an access key id) says otherwise. */
  on<S extends keyof DoctorClients>(service: S, region: string, identity = CALLER_KEYS.accessKeyId): Stub {
    return this.entry(service, region, identity).stub;
  }

  restore(): void {
    for (const { stub } of this.stubs.values()) stub.restore();
  }

  private entry(service: keyof DoctorClients, region: string, identity: string): { client: object; stub: Stub } {
    const key = `${service} ${region} ${identity}`;
    let entry = this.stubs.get(key);
    if (!entry) {
      const client: object = new CONSTRUCTORS[service]({ region, credentials: CALLER_KEYS });
      // The clients' @smithy/types copies differ from aws-sdk-client-mock's; at run time they are the same Client.
      const stub = mockClient(client as never) as Stub;
      stub.onAnyCommand().callsFake((input: unknown) => {
        throw new Error(`unscripted call on ${key}: ${JSON.stringify(input)}`);
      });
      entry = { client, stub };
      this.stubs.set(key, entry);
    }
    return entry;
  }
}

/**
 * client-cloudformation brings its own copy of @smithy/types, which aws-sdk-client-mock's typings
 * refuse; at run time the class is the one the client sends, so only the type is loosened.
 */
export function cfn(command: unknown): Parameters<Stub["on"]>[0] {
  return command as Parameters<Stub["on"]>[0];
}

function identityOf(credentials: Credentials | undefined): string {
  if (credentials === undefined) return CALLER_KEYS.accessKeyId;
  if (typeof credentials === "function") throw new Error("tests hand out static credentials only");
  return credentials.accessKeyId;
}

/** A service exception as the SDK throws it: the API's error code as name, its message, the HTTP status. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode } });
}

export const stackAbsent = (name: string) => awsError("ValidationError", `Stack with id ${name} does not exist`);

/**
 * A healthy single-account deployment of stage prod, as the caller (security account 111122223333)
 * sees it: the Monitor and its three forwarders complete, two confirmed emails and the Slack queue
 * on the findings topic, one confirmed email on the ops topic, and the Slack webhook readable.
 */
export function healthyDeployment(aws: FakeAws): void {
  aws.on("sts", "us-east-1").on(GetCallerIdentityCommand).resolves(loadFixture("doctor/sts-get-caller-identity-security.json"));
  aws.on("cloudFormation", "us-east-1").on(cfn(DescribeStacksCommand), { StackName: "prod-vigil-Monitor" }).resolves(loadFixture("doctor/describe-stacks-monitor.json"));
  for (const region of FORWARDER_REGIONS) {
    const stacks = loadFixture<{ Stacks: { StackId: string }[] }>("doctor/describe-stacks-forwarder.json");
    stacks.Stacks[0]!.StackId = stacks.Stacks[0]!.StackId.replace("us-east-2", region);
    aws.on("cloudFormation", region).on(cfn(DescribeStacksCommand), { StackName: "prod-vigil-Forwarder" }).resolves(stacks);
  }
  const sns = aws.on("sns", "us-east-1");
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: FINDINGS_TOPIC } satisfies ListSubscriptionsByTopicCommandInput).resolves(loadFixture("doctor/list-subscriptions-findings.json"));
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: OPS_TOPIC }).resolves(loadFixture("doctor/list-subscriptions-ops.json"));
  aws.on("ssm", "us-east-1").on(GetParameterCommand, { Name: "/vigil/slack-webhook", WithDecryption: true }).resolves(loadFixture("doctor/get-parameter-slack.json"));
}
