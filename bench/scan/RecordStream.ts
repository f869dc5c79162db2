import { actionOf, type Call, type CallTemplate, deniedCode, DESCRIBE_INSTANCES, GENERATE_DATA_KEY, GET_ACCOUNT_SUMMARY, GET_CALLER_IDENTITY, LIST_BUCKETS, NOISE } from "./calls.ts";
import { permissionPolicy, trustPolicy } from "./policies.ts";
import { Prng } from "./Prng.ts";
import { ACCOUNT, buildWorld, iamId, publicIp, REGIONS, type Role, type Session, type User, type World } from "./world.ts";

/** One CloudTrail record as the S3 delivery holds it. */
export type CloudTrailRecord = { eventTime: string; awsRegion: string } & Record<string, unknown>;

export interface RecordStreamOptions {
  seed: number;
  /** eventTime of the first record, in epoch milliseconds. */
  startMs: number;
}

/** Shares of the traffic (per record drawn); the rest is read-mostly noise. */
const SHARE = { iamWrite: 0.005, consoleLogin: 0.001, root: 0.0002, deniedBurst: 0.00003 };
/** Among noise calls by people and workloads, the share refused. */
const DENIED_SHARE = 0.006;
/** Mean gap between consecutive records: ~1.1M records span ten days. */
const MEAN_GAP_MS = 800;

const ADMIN_POLICIES = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"];
const READ_POLICIES = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"];
const UNKNOWN_USER = "HIDDEN_DUE_TO_SECURITY_REASONS";
const BROWSER = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
];
const TERRAFORM_UA =
  "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type Actor =
  | { kind: "user"; user: User }
  | { kind: "session"; session: Session }
  | { kind: "root"; ip: string }
  | { kind: "service"; service: string };

/**
 * An endless, deterministic stream of CloudTrail records for one account in eventTime order:
 * mostly read-only noise by role sessions, IAM users and AWS services, with a small share of IAM
 * writes, console sign-ins (some failing, occasionally in bursts), refused calls and root use.
 * Sessions persist (same temporary key and creation date across calls) and each new one is
 * preceded by its AssumeRole*, as in real trails.
 */
export class RecordStream {
  readonly #prng: Prng;
  readonly #world: World;
  readonly #sessions = new Map<string, Session>();
  readonly #queue: ((timeMs: number) => CloudTrailRecord)[] = [];
  readonly #kebab = new Map<string, string>();
  /** The AssumeRole* of a session just begun, to go out before the call that began it. */
  #pendingAssume: CloudTrailRecord | undefined;
  #timeMs: number;
  #isoSecond = -1;
  #iso = "";

  constructor(options: RecordStreamOptions) {
    this.#prng = new Prng(options.seed);
    this.#world = buildWorld(this.#prng);
    this.#timeMs = options.startMs;
  }

  next(): CloudTrailRecord {
    const record = this.#draw();
    const assume = this.#pendingAssume;
    if (!assume) return record;
    this.#pendingAssume = undefined;
    this.#queue.unshift(() => record);
    return assume;
  }

  #draw(): CloudTrailRecord {
    const prng = this.#prng;
    const queued = this.#queue.shift();
    if (queued) {
      this.#timeMs += prng.int(3000);
      return queued(this.#timeMs);
    }
    this.#timeMs += prng.int(2 * MEAN_GAP_MS);
    let roll = prng.next();
    if ((roll -= SHARE.iamWrite) < 0) return this.#iamWrite(this.#timeMs);
    if ((roll -= SHARE.consoleLogin) < 0) return this.#consoleLogin(this.#timeMs);
    if ((roll -= SHARE.root) < 0) return this.#rootActivity(this.#timeMs);
    if ((roll -= SHARE.deniedBurst) < 0) return this.#deniedBurst(this.#timeMs);
    return this.#noise(this.#timeMs);
  }

  // ---- traffic kinds -------------------------------------------------------------------------

  #noise(timeMs: number): CloudTrailRecord {
    const prng = this.#prng;
    const region = this.#region();
    const roll = prng.next();
    if (roll < 0.04) {
      // CloudTrail's own log encryption and similar calls AWS makes on the account's behalf.
      const call = this.#call(GENERATE_DATA_KEY, region);
      return this.#apiRecord(timeMs, { kind: "service", service: "cloudtrail.amazonaws.com" }, call, region);
    }
    const actor: Actor = roll < 0.3 ? { kind: "user", user: prng.pick(this.#world.users) } : { kind: "session", session: this.#session(timeMs) };
    const call = this.#call(pickWeighted(prng, NOISE, NOISE_TOTAL), region);
    return this.#apiRecord(timeMs, actor, call, call.source === "iam.amazonaws.com" ? "us-east-1" : region, prng.chance(DENIED_SHARE));
  }

  #iamWrite(timeMs: number): CloudTrailRecord {
    const prng = this.#prng;
    const world = this.#world;
    const roll = prng.next();
    const actor: Actor =
      roll < 0.55
        ? { kind: "session", session: this.#session(timeMs, roleNamed(world, "terraform-deployer")) }
        : roll < 0.8
          ? { kind: "session", session: this.#session(timeMs, roleNamed(world, "AWSReservedSSO_AdministratorAccess_3f1c2a9b8d7e6f50")) }
          : { kind: "user", user: prng.pick(world.users.filter((user) => user.admin)) };
    const user = prng.pick(world.users);
    const role = prng.pick(world.roles);
    const created = this.#iamDate(timeMs);
    const kind = prng.int(100);
    let call: Call;
    if (kind < 15) {
      const userName = `${prng.pick(["svc", "app", "tmp", "contractor"])}-${prng.pick(["reporting", "etl", "backup", "audit", "vendor"])}-${prng.hex(4)}`;
      call = iam("CreateUser", { userName, tags: [{ key: "team", value: prng.pick(["data", "platform", "payments"]) }] }, {
        user: { path: "/", userName, userId: iamId(prng, "AIDA"), arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, createDate: created, tags: [] },
      });
    } else if (kind < 30) {
      call = iam("CreateAccessKey", { userName: user.name }, { accessKey: { userName: user.name, accessKeyId: iamId(prng, "AKIA"), status: "Active", createDate: created } });
    } else if (kind < 45) {
      call = iam("AttachUserPolicy", { userName: user.name, policyArn: prng.chance(0.7) ? prng.pick(READ_POLICIES) : prng.pick(ADMIN_POLICIES) }, null);
    } else if (kind < 65) {
      call = iam("PutRolePolicy", { roleName: role.name, policyName: `${role.name}-inline-${prng.hex(4)}`, policyDocument: permissionPolicy(prng, world) }, null);
    } else if (kind < 80) {
      const policyName = `${prng.pick(["app", "ci", "data", "ops"])}-${prng.pick(["read", "write", "deploy", "admin"])}-${prng.hex(6)}`;
      call = iam("CreatePolicy", { policyName, policyDocument: permissionPolicy(prng, world), description: "Managed by Terraform" }, {
        policy: {
          policyName,
          defaultVersionId: "v1",
          policyId: iamId(prng, "ANPA"),
          path: "/",
          arn: `arn:aws:iam::${ACCOUNT}:policy/${policyName}`,
          attachmentCount: 0,
          permissionsBoundaryUsageCount: 0,
          isAttachable: true,
          createDate: created,
          updateDate: created,
        },
      });
    } else if (kind < 88) {
      call = iam("UpdateAssumeRolePolicy", { roleName: role.name, policyDocument: trustPolicy(prng) }, null);
    } else if (kind < 95) {
      call = iam("CreateLoginProfile", { userName: user.name, passwordResetRequired: true }, { loginProfile: { userName: user.name, createDate: created, passwordResetRequired: true } });
    } else {
      call = iam("DeactivateMFADevice", { userName: user.name, serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/${user.name}` }, null);
    }
    return this.#apiRecord(timeMs, actor, call, "us-east-1", prng.chance(0.03));
  }

  #consoleLogin(timeMs: number): CloudTrailRecord {
    const prng = this.#prng;
    const people = this.#world.users.slice(0, 20);
    if (prng.chance(1 / 30)) {
      // Someone guessing: one user's password from one address, or user names from one address.
      const ip = publicIp(prng);
      const target = prng.chance(0.6) ? prng.pick(people) : undefined;
      const attempts = prng.between(5, 8);
      for (let n = 1; n < attempts; n++) this.#queue.push((t) => this.#signIn(t, target, ip, false, false));
      return this.#signIn(timeMs, target, ip, false, false);
    }
    const user = prng.pick(people);
    const success = prng.chance(0.88);
    return this.#signIn(timeMs, user, user.ip, success, success && prng.chance(0.8));
  }

  #rootActivity(timeMs: number): CloudTrailRecord {
    const prng = this.#prng;
    const ip = publicIp(prng);
    const roll = prng.next();
    if (roll < 0.4) return this.#signIn(timeMs, "root", ip, prng.chance(0.9), true);
    const region = "us-east-1";
    if (roll < 0.85) {
      const call = this.#call(pickWeighted(prng, ROOT_CALLS, ROOT_CALLS_TOTAL), region);
      return this.#apiRecord(timeMs, { kind: "root", ip }, call, region);
    }
    const call = iam("CreateAccessKey", null, { accessKey: { accessKeyId: iamId(prng, "AKIA"), status: "Active", createDate: this.#iamDate(timeMs) } });
    return this.#apiRecord(timeMs, { kind: "root", ip }, call, region);
  }

  /** Stolen credentials being tried against many services in a couple of minutes. */
  #deniedBurst(timeMs: number): CloudTrailRecord {
    const prng = this.#prng;
    const actor: Actor = prng.chance(0.5) ? { kind: "user", user: prng.pick(this.#world.users) } : { kind: "session", session: this.#session(timeMs) };
    const attempts = prng.between(11, 18);
    const one = (t: number) => {
      const region = this.#region();
      const call = this.#call(pickWeighted(prng, NOISE, NOISE_TOTAL), region);
      return this.#apiRecord(t, actor, call, call.source === "iam.amazonaws.com" ? "us-east-1" : region, true);
    };
    for (let n = 1; n < attempts; n++) this.#queue.push(one);
    return one(timeMs);
  }

  // ---- record shapes --------------------------------------------------------------------------

  #apiRecord(timeMs: number, actor: Actor, call: Call, region: string, denied = false): CloudTrailRecord {
    const prng = this.#prng;
    const { identity, ip, userAgent, fromConsole } = this.#caller(actor, call);
    const errorCode = denied ? deniedCode(call.source) : call.errorCode;
    const errorMessage = denied
      ? `User: ${(identity as { arn?: string }).arn ?? ACCOUNT} is not authorized to perform: ${actionOf(call)} because no identity-based policy allows the ${actionOf(call)} action`
      : call.errorMessage;
    const host = call.source === "iam.amazonaws.com" ? "iam.amazonaws.com" : `${call.source.slice(0, -".amazonaws.com".length)}.${region}.amazonaws.com`;
    const record: CloudTrailRecord = {
      eventVersion: "1.09",
      userIdentity: identity,
      eventTime: this.#isoTime(timeMs),
      eventSource: call.source,
      eventName: call.name,
      awsRegion: region,
      sourceIPAddress: ip,
      userAgent,
    };
    if (errorCode) {
      record.errorCode = errorCode;
      record.errorMessage = errorMessage;
    }
    record.requestParameters = call.requestParameters;
    record.responseElements = errorCode ? null : (call.responseElements ?? null);
    if (call.additionalEventData) record.additionalEventData = call.additionalEventData;
    record.requestID = call.requestId ?? prng.uuid();
    record.eventID = prng.uuid();
    record.readOnly = call.readOnly;
    if (call.resources) record.resources = call.resources;
    record.eventType = "AwsApiCall";
    record.managementEvent = true;
    record.recipientAccountId = ACCOUNT;
    if (actor.kind === "service") record.sharedEventID = prng.uuid();
    record.eventCategory = "Management";
    if (actor.kind !== "service") record.tlsDetails = { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: host };
    if (fromConsole) record.sessionCredentialFromConsole = "true";
    return record;
  }

  /** ConsoleLogin: a failed one has no errorCode, only responseElements.ConsoleLogin = Failure. */
  #signIn(timeMs: number, who: User | "root" | undefined, ip: string, success: boolean, mfa: boolean): CloudTrailRecord {
    const prng = this.#prng;
    const identity =
      who === "root"
        ? { type: "Root", principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT }
        : who
          ? { type: "IAMUser", principalId: who.principalId, arn: who.arn, accountId: ACCOUNT, userName: who.name }
          : { type: "IAMUser", principalId: "", accountId: ACCOUNT, accessKeyId: "", userName: UNKNOWN_USER };
    const record: CloudTrailRecord = {
      eventVersion: "1.09",
      userIdentity: identity,
      eventTime: this.#isoTime(timeMs),
      eventSource: "signin.amazonaws.com",
      eventName: "ConsoleLogin",
      awsRegion: "us-east-1",
      sourceIPAddress: ip,
      userAgent: prng.pick(BROWSER),
    };
    if (!success) record.errorMessage = "Failed authentication";
    record.requestParameters = null;
    record.responseElements = { ConsoleLogin: success ? "Success" : "Failure" };
    record.additionalEventData = {
      LoginTo: "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_" + prng.hex(16),
      MobileVersion: "No",
      MFAUsed: mfa ? "Yes" : "No",
      ...(mfa && who !== "root" && who ? { MFAIdentifier: `arn:aws:iam::${ACCOUNT}:mfa/${who.name}` } : {}),
    };
    record.eventID = prng.uuid();
    record.readOnly = false;
    record.eventType = "AwsConsoleSignIn";
    record.managementEvent = true;
    record.recipientAccountId = ACCOUNT;
    record.eventCategory = "Management";
    record.tlsDetails = { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "us-east-1.signin.aws.amazon.com" };
    return record;
  }

  /** How a role session begins: the service, identity provider or caller that assumed the role. */
  #assumeRoleRecord(timeMs: number, session: Session): CloudTrailRecord {
    const prng = this.#prng;
    const { role } = session;
    const expiration = this.#iamDate(session.expiresAtMs);
    const assumedRoleUser = { assumedRoleId: `${role.roleId}:${session.name}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.name}/${session.name}` };
    const credentials = { accessKeyId: session.accessKeyId, sessionToken: prng.chars(BASE64, 600), expiration };
    let identity: unknown;
    let eventName = "AssumeRole";
    let ip = session.ip;
    let userAgent: string;
    let requestParameters: Record<string, unknown> = { roleArn: role.arn, roleSessionName: session.name };
    let service = false;
    if (role.kind === "service") {
      identity = { type: "AWSService", invokedBy: role.service };
      ip = userAgent = role.service ?? "AWS Internal";
      service = true;
    } else if (role.kind === "human" && role.name.startsWith("AWSReservedSSO")) {
      eventName = "AssumeRoleWithSAML";
      identity = { type: "SAMLUser", principalId: `SAML_PROVIDER_ID:${session.name}`, userName: session.name, identityProvider: "SAML_PROVIDER_ID" };
      userAgent = "aws-internal/3 aws-sdk-java/1.12.770 Linux/5.10.226-192.879.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS java/17.0.12 vendor/Amazon.com_Inc. cfg/retry-mode/standard";
      requestParameters = { roleArn: role.arn, principalArn: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`, durationSeconds: 28800 };
    } else if (role.name === "github-actions-ci") {
      eventName = "AssumeRoleWithWebIdentity";
      identity = { type: "WebIdentityUser", principalId: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/app:ref:refs/heads/main`, userName: "repo:acme/app:ref:refs/heads/main", identityProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` };
      userAgent = "aws-sdk-js/3.682.0 ua/2.1 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.18.0 api/sts#3.682.0 m/E";
      requestParameters = { roleArn: role.arn, roleSessionName: session.name, durationSeconds: 3600 };
    } else if (role.name === "terraform-deployer") {
      const ci = userNamed(this.#world, "ci-deploy");
      identity = { type: "IAMUser", principalId: ci.principalId, arn: ci.arn, accountId: ACCOUNT, accessKeyId: ci.accessKeyId, userName: ci.name };
      userAgent = TERRAFORM_UA + " api/sts#1.32.3";
    } else {
      identity = { type: "AWSAccount", principalId: `AIDA${prng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`, accountId: "777788889999" };
      userAgent = "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)";
      requestParameters = { roleArn: role.arn, roleSessionName: session.name, externalId: "0d7c6e4a2b1f4e3d9c8b7a6f5e4d3c2b", durationSeconds: 3600 };
    }
    const record: CloudTrailRecord = {
      eventVersion: "1.08",
      userIdentity: identity,
      eventTime: this.#isoTime(timeMs),
      eventSource: "sts.amazonaws.com",
      eventName,
      awsRegion: "us-east-1",
      sourceIPAddress: ip,
      userAgent,
      requestParameters,
      responseElements: { credentials, assumedRoleUser, ...(eventName === "AssumeRoleWithSAML" ? { subject: session.name, subjectType: "persistent", issuer: "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OWFi", audience: "https://signin.aws.amazon.com/saml", nameQualifier: "kY1mT7bDq2Rx0pS4lN8vJcE6fWo=" } : {}) },
      requestID: prng.uuid(),
      eventID: prng.uuid(),
      readOnly: true,
      resources: [{ accountId: ACCOUNT, type: "AWS::IAM::Role", ARN: role.arn }],
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: ACCOUNT,
    };
    if (service || eventName !== "AssumeRole") record.sharedEventID = prng.uuid();
    record.eventCategory = "Management";
    if (!service) record.tlsDetails = { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "sts.amazonaws.com" };
    return record;
  }

  // ---- who, where, when ----------------------------------------------------------------------

  #caller(actor: Actor, call: Call): { identity: unknown; ip: string; userAgent: string; fromConsole: boolean } {
    const prng = this.#prng;
    switch (actor.kind) {
      case "service":
        return { identity: { type: "AWSService", invokedBy: actor.service }, ip: actor.service, userAgent: actor.service, fromConsole: false };
      case "root":
        return {
          identity: {
            type: "Root",
            principalId: ACCOUNT,
            arn: `arn:aws:iam::${ACCOUNT}:root`,
            accountId: ACCOUNT,
            accessKeyId: iamId(prng, "ASIA"),
            sessionContext: { attributes: { creationDate: this.#isoTime(this.#timeMs - 600_000), mfaAuthenticated: "true" } },
          },
          ip: actor.ip,
          userAgent: "AWS Internal",
          fromConsole: true,
        };
      case "user": {
        const { user } = actor;
        const console = user.name.includes("-") ? false : prng.chance(0.3);
        return {
          identity: { type: "IAMUser", principalId: user.principalId, arn: user.arn, accountId: ACCOUNT, accessKeyId: console ? iamId(prng, "ASIA") : user.accessKeyId, userName: user.name },
          ip: user.ip,
          userAgent: console ? "AWS Internal" : user.name.includes("-") ? this.#sdkAgent(call) : this.#cliAgent(call),
          fromConsole: console,
        };
      }
      case "session": {
        const { session } = actor;
        const { role } = session;
        const console = role.kind === "human" && prng.chance(0.5);
        return {
          identity: {
            type: "AssumedRole",
            principalId: `${role.roleId}:${session.name}`,
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.name}/${session.name}`,
            accountId: ACCOUNT,
            accessKeyId: session.accessKeyId,
            sessionContext: {
              sessionIssuer: { type: "Role", principalId: role.roleId, arn: role.arn, accountId: ACCOUNT, userName: role.name },
              webIdFederationData: {},
              attributes: { creationDate: session.creationDate, mfaAuthenticated: "false" },
              ...(role.service === "ec2.amazonaws.com" ? { ec2RoleDelivery: "2.0" } : {}),
            },
          },
          ip: session.ip,
          userAgent: console ? "AWS Internal" : role.name === "terraform-deployer" ? `${TERRAFORM_UA} api/${call.source.split(".")[0]}#1.0.0` : role.kind === "human" ? this.#cliAgent(call) : this.#sdkAgent(call, role.service),
          fromConsole: console,
        };
      }
    }
  }

  /** The role session a call is made in: reused until it expires, then a new one after its AssumeRole. */
  #session(timeMs: number, role?: Role): Session {
    const prng = this.#prng;
    if (!role) {
      const roll = prng.next();
      const kind: Role["kind"] = roll < 0.2 ? "human" : roll < 0.45 ? "pipeline" : "service";
      role = prng.pick(this.#world.roles.filter((candidate) => candidate.kind === kind));
    }
    const name = prng.pick(role.sessionNames);
    const key = `${role.name}/${name}`;
    const existing = this.#sessions.get(key);
    if (existing && existing.expiresAtMs > timeMs) return existing;
    const session: Session = {
      role,
      name,
      accessKeyId: iamId(prng, "ASIA"),
      creationDate: this.#isoTime(timeMs),
      expiresAtMs: timeMs + (role.kind === "human" ? 8 : 1) * 3_600_000,
      ip: publicIp(prng),
    };
    this.#sessions.set(key, session);
    this.#pendingAssume = this.#assumeRoleRecord(timeMs, session);
    return session;
  }

  #call(template: CallTemplate, region: string): Call {
    return template.make({ prng: this.#prng, world: this.#world, region });
  }

  #region(): string {
    let roll = this.#prng.int(100);
    for (const region of REGIONS) if ((roll -= region.weight) < 0) return region.name;
    return "us-east-1";
  }

  #cliAgent(call: Call): string {
    let command = this.#kebab.get(call.name);
    if (command === undefined) {
      command = call.name.replace(/20\d{6}(v\d)?$/, "").replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
      this.#kebab.set(call.name, command);
    }
    return `aws-cli/2.18.6 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#${call.source.split(".")[0]}.${command}`;
  }

  /** SDK user agents; `execEnv` is where the code runs (Lambda, ECS), absent for servers and scripts. */
  #sdkAgent(call: Call, service?: string): string {
    const api = call.source.split(".")[0];
    const python = this.#prng.chance(0.5);
    const execEnv =
      service === "lambda.amazonaws.com" ? (python ? " exec-env/AWS_Lambda_python3.12" : " exec-env/AWS_Lambda_nodejs20.x") : service === "ecs-tasks.amazonaws.com" ? " exec-env/AWS_ECS_FARGATE" : "";
    return python
      ? `Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython${execEnv} cfg/retry-mode#legacy Botocore/1.35.54`
      : `aws-sdk-js/3.682.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0 api/${api}#3.682.0${execEnv} m/E,e`;
  }

  /** CloudTrail's eventTime: ISO 8601 to the second. */
  #isoTime(timeMs: number): string {
    const second = Math.floor(timeMs / 1000);
    if (second !== this.#isoSecond) {
      this.#isoSecond = second;
      this.#iso = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    }
    return this.#iso;
  }

  /** The "Nov 1, 2026, 12:00:03 AM" form IAM puts in responseElements. */
  #iamDate(timeMs: number): string {
    const date = new Date(timeMs);
    const hours = date.getUTCHours();
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${hours % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const NOISE_TOTAL = NOISE.reduce((sum, template) => sum + template.weight, 0);
const ROOT_CALLS = [LIST_BUCKETS, GET_ACCOUNT_SUMMARY, DESCRIBE_INSTANCES, GET_CALLER_IDENTITY];
const ROOT_CALLS_TOTAL = ROOT_CALLS.reduce((sum, template) => sum + template.weight, 0);

function pickWeighted<T extends { weight: number }>(prng: Prng, items: readonly T[], total: number): T {
  let roll = prng.next() * total;
  for (const item of items) if ((roll -= item.weight) < 0) return item;
  return items[items.length - 1] as T;
}

function iam(name: string, requestParameters: unknown, responseElements: unknown): Call {
  return { source: "iam.amazonaws.com", name, readOnly: false, requestParameters, responseElements };
}

function roleNamed(world: World, name: string): Role {
  const role = world.roles.find((candidate) => candidate.name === name);
  if (!role) throw new Error(`no role ${name} in the synthetic world`);
  return role;
}

function userNamed(world: World, name: string): User {
  const user = world.users.find((candidate) => candidate.name === name);
  if (!user) throw new Error(`no user ${name} in the synthetic world`);
  return user;
}
