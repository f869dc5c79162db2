import type { Prng } from "./Prng.ts";

/** The account the archive belongs to, as CloudTrail's S3 prefix names it. */
export const ACCOUNT = "111122223333";
/** Another account some trust policies name (a partner, or an attacker's). */
export const EXTERNAL_ACCOUNT = "444455556666";

/** Regions with the share of regional traffic each gets; global services (IAM, sign-in) log to us-east-1. */
export const REGIONS: readonly { name: string; weight: number }[] = [
  { name: "us-east-1", weight: 55 },
  { name: "us-west-2", weight: 20 },
  { name: "eu-west-1", weight: 15 },
  { name: "ap-southeast-2", weight: 10 },
];

export interface User {
  name: string;
  arn: string;
  principalId: string;
  /** The long-lived key its CLI and SDK calls are signed with. */
  accessKeyId: string;
  /** Admins make most of the IAM changes; the rest mostly read. */
  admin: boolean;
  ip: string;
}

export interface Role {
  name: string;
  arn: string;
  roleId: string;
  /** Who assumes it: people from the console or CLI, a service (Lambda, EC2), or a pipeline. */
  kind: "human" | "service" | "pipeline";
  /** What AWS service assumes it, for service roles. */
  service?: string;
  /** Session names its sessions use. */
  sessionNames: readonly string[];
}

/** An active role session: the same temporary key and creation date across many calls, as in real logs. */
export interface Session {
  role: Role;
  name: string;
  accessKeyId: string;
  creationDate: string;
  expiresAtMs: number;
  ip: string;
}

export interface World {
  users: readonly User[];
  roles: readonly Role[];
  buckets: readonly string[];
  kmsKeys: readonly string[];
  functions: readonly string[];
  instances: readonly string[];
  securityGroups: readonly string[];
  vpcs: readonly string[];
  subnets: readonly string[];
  tables: readonly string[];
  parameters: readonly string[];
  secrets: readonly string[];
  logGroups: readonly string[];
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** IAM's unique ids: a four-letter prefix (AIDA user, AROA role, AKIA/ASIA keys) and 16 base32 characters. */
export function iamId(prng: Prng, prefix: string): string {
  return prefix + prng.chars(BASE32, 16);
}

/** Documentation address ranges (RFC 5737): realistic-looking, never anyone's real address. */
export function publicIp(prng: Prng): string {
  const net = prng.pick(["192.0.2", "198.51.100", "203.0.113"]);
  return `${net}.${prng.between(1, 254)}`;
}

const USER_NAMES = [
  "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
  "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe",
  "ci-deploy", "backup-agent", "metrics-exporter", "legacy-etl",
];

export function buildWorld(prng: Prng): World {
  const users = USER_NAMES.map((name, index): User => ({
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    principalId: iamId(prng, "AIDA"),
    accessKeyId: iamId(prng, "AKIA"),
    admin: index % 5 === 0,
    ip: publicIp(prng),
  }));
  const role = (name: string, kind: Role["kind"], sessionNames: readonly string[], service?: string): Role => ({
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    roleId: iamId(prng, "AROA"),
    kind,
    ...(service ? { service } : {}),
    sessionNames,
  });
  const people = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com", "frank@example.com"];
  const functions = ["orders-api", "billing-worker", "thumbnailer", "audit-shipper", "nightly-report", "webhook-relay", "search-indexer"];
  const instances = Array.from({ length: 30 }, () => `i-0${prng.hex(16)}`);
  const roles: Role[] = [
    role("AWSReservedSSO_AdministratorAccess_3f1c2a9b8d7e6f50", "human", people),
    role("AWSReservedSSO_ReadOnlyAccess_8a7b6c5d4e3f2a10", "human", people),
    role("AWSReservedSSO_PowerUserAccess_1b2c3d4e5f6a7b80", "human", people),
    role("OrganizationAccountAccessRole", "human", ["admin-session"]),
    role("terraform-deployer", "pipeline", ["terraform-apply", "terraform-plan"]),
    role("github-actions-ci", "pipeline", ["GitHubActions"]),
    role("datadog-integration", "pipeline", ["DatadogAWSIntegration"]),
    ...functions.map((fn) => role(`${fn}-role`, "service", [fn], "lambda.amazonaws.com")),
    role("ec2-app-instance-role", "service", instances.slice(0, 10), "ec2.amazonaws.com"),
    role("ecsTaskExecutionRole", "service", Array.from({ length: 6 }, () => prng.hex(32)), "ecs-tasks.amazonaws.com"),
  ];
  return {
    users,
    roles,
    buckets: ["acme-prod-assets", "acme-prod-logs", "acme-data-lake-raw", "acme-data-lake-curated", "acme-terraform-state", "acme-backups", "acme-cloudtrail-archive", "acme-static-site"],
    kmsKeys: Array.from({ length: 8 }, () => prng.uuid()),
    functions,
    instances,
    securityGroups: Array.from({ length: 12 }, () => `sg-0${prng.hex(16)}`),
    vpcs: Array.from({ length: 3 }, () => `vpc-0${prng.hex(16)}`),
    subnets: Array.from({ length: 9 }, () => `subnet-0${prng.hex(16)}`),
    tables: ["orders", "customers", "sessions", "audit-events", "feature-flags"],
    parameters: ["/prod/db/host", "/prod/db/password", "/prod/api/key", "/shared/feature-flags", "/prod/stripe/secret"],
    secrets: ["prod/rds/master", "prod/stripe", "prod/sendgrid", "ci/github-token"],
    logGroups: functions.map((fn) => `/aws/lambda/${fn}`),
  };
}
