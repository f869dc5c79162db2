import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AnyRule, type ConfigInput, configSchema, organizationalUnitIdSchema, resolveConfig, severitySchema } from "@vigil/core";
import { bucketNameSchema, ocsfPrefixSchema } from "@vigil/export";
import { type OrganizationSettings, organizationSettingsSchema, REMEDIATION_OFF, type RemediationSettings, remediationSettingsSchema } from "@vigil/monitor";
import * as z from "zod";
import { StageConfigError } from "./errors.ts";
import { HOME_REGION } from "./home.ts";

/** Regions where console sign-ins of IAM users can be recorded besides the home region. */
export const DEFAULT_FORWARDER_REGIONS = ["us-east-2", "eu-north-1", "ap-southeast-2"] as const;

/** The scheduled posture run: daily at 06:00 UTC unless the stage says otherwise. */
export const DEFAULT_POSTURE_SCHEDULE = "cron(0 6 * * ? *)";

/** Lambda refuses a function whose environment variables total more than 4 KB. */
const MAX_VIGIL_CONFIG_BYTES = 3072;

/** The scopes a findings API token needs when the stage names none (a Cognito resource server's `vigil/...` style). */
export const DEFAULT_JWT_SCOPES = { read: ["vigil/read"], triage: ["vigil/triage"] } as const;

/** OAuth scope tokens (RFC 6749 3.3: printable ASCII without space, quote or backslash). */
const scopeList = z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, "must be an OAuth scope (no spaces or quotes)")).min(1);

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1");
// SSM parameter names: a path of letters, digits and . - _ separated by /, at most 1011 characters.
const parameterName = z
  .string()
  .regex(/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be an SSM parameter name such as /vigil/slack-webhook")
  .max(1011);
/** An EventBridge schedule expression: `rate(<n> <unit>)` or a six-field `cron(...)`. */
const schedule = z
  .string()
  .regex(
    /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/,
    "must be an EventBridge schedule expression such as rate(1 day) or cron(0 6 * * ? *)",
  ) as z.ZodType<`rate(${string})` | `cron(${string})`>;

/** The part of a root or OU id that names its root: `ab12` of `r-ab12` and of `ou-ab12-11111111`. */
const rootPart = (target: string) => target.split("-")[1];

/**
 * Organization mode: the organization's settings the functions get (organizationSettingsSchema)
 * and where the StackSet deploys the spoke. An organization has one root, so targets under two
 * roots name at least one OU of another organization, which StackSets would refuse after the
 * home stack is half deployed.
 */
const organizationSchema = z.strictObject({
  ...organizationSettingsSchema.shape,
  deploymentTargets: z
    .array(organizationalUnitIdSchema)
    .min(1, "must name the root or at least one OU")
    .refine((targets) => new Set(targets).size === targets.length, "must not repeat a target")
    .refine((targets) => new Set(targets.map(rootPart)).size <= 1, "must all lie under one root: an organization has one, and each OU id names its root (ou-<root>-...)"),
});

export type OrganizationStageSettings = OrganizationSettings & { deploymentTargets: readonly string[] };

const deploymentShape = {
  /** Receive every finding at or above `emailMinSeverity`. */
  alertEmails: z.array(z.email()).default([]),
  emailMinSeverity: severitySchema.default("HIGH"),
  /** The webhook URL lives in an SSM SecureString parameter, never in this file. */
  slack: z
    .strictObject({
      webhookParameter: parameterName.default("/vigil/slack-webhook"),
      minSeverity: severitySchema.default("MEDIUM"),
    })
    .optional(),
  /** Receive the operational alarms (dead letters, function errors and throttles). */
  opsEmails: z.array(z.email()).default([]),
  /** Days a resolved finding is kept before DynamoDB's TTL removes it. */
  retentionDays: z.number().int().min(1).max(3650).default(90),
  forwarderRegions: z
    .array(region)
    .default([...DEFAULT_FORWARDER_REGIONS])
    .refine((regions) => !regions.includes(HOME_REGION), `must not include the home region ${HOME_REGION}`)
    .refine((regions) => new Set(regions).size === regions.length, "must not repeat a region"),
  /**
   * Where IAM Identity Center runs: CloudTrail records its events (sso, sso-directory) only in that
   * Region, so it is forwarded like the forwarderRegions (added to them when not the home Region).
   */
  identityCenterRegion: region.optional(),
  /** When the posture checks run (the credential report they read is rebuilt at most every 4 hours). */
  postureSchedule: schedule.default(DEFAULT_POSTURE_SCHEDULE),
  /**
   * Access Advisor jobs the posture run starts at most, per account (0: Access Advisor off). The run
   * takes the day's slice of the users and roles holding a policy, so each is read at least once
   * every ceil(principals / this) days.
   */
  accessAdvisorJobsPerRun: z.number().int().min(0).max(1000).default(50),
  /** Opt-in deactivation of old access keys by the posture run; a dry run until `dryRun` is false. */
  remediation: remediationSettingsSchema.default(() => ({ ...REMEDIATION_OFF })),
  /** The findings API always takes IAM (SigV4) callers; with a JWT issuer, a second API takes that issuer's tokens. */
  api: z
    .strictObject({
      jwt: z
        .strictObject({
          issuer: z.url({ protocol: /^https$/ }),
          audience: z.array(z.string().min(1)).min(1),
          /**
           * The OAuth scopes a token needs: any of `read` to list and read findings, any of `triage`
           * to change one (a triage scope reads too). A token of the issuer and audience without
           * them is refused by API Gateway.
           */
          scopes: z
            .strictObject({ read: scopeList.default([...DEFAULT_JWT_SCOPES.read]), triage: scopeList.default([...DEFAULT_JWT_SCOPES.triage]) })
            .default(() => ({ read: [...DEFAULT_JWT_SCOPES.read], triage: [...DEFAULT_JWT_SCOPES.triage] })),
        })
        .optional(),
    })
    .default({}),
  /** Production stages retain their tables on removal; defaults to true for the stages prod and production. */
  production: z.boolean().optional(),
  /** Organization mode: one deployment covering every account of an AWS Organization; absent, one account. */
  organization: organizationSchema.optional(),
  /**
   * Every finding imported into Security Hub (the account's default product in `region`), and
   * imported again at each status change; off by default. Security Hub must be enabled there.
   */
  securityHub: z
    .strictObject({ enabled: z.boolean().default(false), region: region.default(HOME_REGION) })
    .default(() => ({ enabled: false, region: HOME_REGION })),
  /** Every finding and each status change written to S3 as OCSF Parquet, laid out as a Security Lake custom source expects; absent: not written. */
  ocsf: z
    .strictObject({
      bucket: bucketNameSchema,
      prefix: ocsfPrefixSchema.default(""),
      /** Security Lake's provider role for the custom source: assumed to write, since its bucket lets in that role only. */
      roleArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, "must be an IAM role ARN")
        .optional(),
      /** The external id the provider role's trust policy requires (CreateCustomLogSource's providerIdentity.externalId). */
      externalId: z
        .string()
        .regex(/^[\w+=,.@:\/-]{2,1224}$/, "must be 2 to 1224 letters, digits or +=,.@:/-_")
        .optional(),
    })
    .refine((ocsf) => ocsf.externalId === undefined || ocsf.roleArn !== undefined, { message: "externalId needs roleArn", path: ["externalId"] })
    .optional(),
};

// Vigil's own rule configuration (the `--config` file of the CLI) sits beside the deployment keys.
const stageConfigSchema = z.strictObject({ ...configSchema.shape, ...deploymentShape });

export interface StageConfig {
  stage: string;
  production: boolean;
  alertEmails: readonly string[];
  emailMinSeverity: z.infer<typeof severitySchema>;
  slack: { webhookParameter: string; minSeverity: z.infer<typeof severitySchema> } | undefined;
  opsEmails: readonly string[];
  retentionDays: number;
  /** Every Region forwarded to the home Region's bus: forwarderRegions and the Identity Center Region. */
  forwarderRegions: readonly string[];
  identityCenterRegion: string | undefined;
  postureSchedule: `rate(${string})` | `cron(${string})`;
  /** The posture run's Access Advisor jobs per account at most; 0 turns Access Advisor off. */
  accessAdvisorJobsPerRun: number;
  /** The posture function's role may update access keys only when this is enabled and not a dry run. */
  remediation: RemediationSettings;
  api: { jwt?: { issuer: string; audience: string[]; scopes: { read: string[]; triage: string[] } } | undefined };
  /** The rule configuration, validated against the catalogue; the evaluate function gets it as VIGIL_CONFIG. */
  vigil: ConfigInput;
  /** The ids of the rules the configuration leaves enabled: only their events are routed. */
  enabledRules: readonly string[];
  /** Organization mode's settings, or undefined for one account. */
  organization: OrganizationStageSettings | undefined;
  securityHub: { enabled: boolean; region: string };
  /** Where OCSF Parquet objects go (and the role to write them as), or undefined when they are not written. */
  ocsf: { bucket: string; prefix: string; roleArn?: string | undefined; externalId?: string | undefined } | undefined;
}

/** Whether findings leave the account at all (Security Hub, OCSF on S3): then every change is marked for the export sweep. */
export function exportsFindings(config: Pick<StageConfig, "securityHub" | "ocsf">): boolean {
  return config.securityHub.enabled || config.ocsf !== undefined;
}

/**
 * Validates a stage's configuration: unknown keys and bad values fail with a StageConfigError naming
 * `source` and the key (`config/prod.json: slack.minSeverity: ...`), rule settings are checked
 * against the catalogue exactly as the deployed engine will read them.
 */
export function parseStageConfig(input: unknown, stage: string, catalogue: readonly AnyRule[], source = "stage configuration"): StageConfig {
  const parsed = stageConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path ?? []).map(String).join(".");
    const message = issue?.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"` : (issue?.message ?? "invalid");
    throw new StageConfigError(`${source}: ${key ? `${key}: ` : ""}${message}`);
  }
  const { trustedAccounts, privilegedGroupPatterns, ignore, rules, production, identityCenterRegion, ...deployment } = parsed.data;
  const vigil: ConfigInput = { trustedAccounts, privilegedGroupPatterns, ignore, rules };
  let effective;
  try {
    effective = resolveConfig(vigil, catalogue);
  } catch (error) {
    throw new StageConfigError(`${source}: ${(error as Error).message}`, { cause: error });
  }
  const bytes = Buffer.byteLength(JSON.stringify(vigil));
  if (bytes > MAX_VIGIL_CONFIG_BYTES) {
    throw new StageConfigError(
      `${source}: the rule configuration (trustedAccounts, privilegedGroupPatterns, ignore, rules) is ${bytes} bytes as JSON; ` +
        `it travels in a Lambda environment variable and must stay under ${MAX_VIGIL_CONFIG_BYTES}`,
    );
  }
  return {
    stage,
    production: production ?? ["prod", "production"].includes(stage),
    ...deployment,
    identityCenterRegion,
    forwarderRegions:
      identityCenterRegion && identityCenterRegion !== HOME_REGION && !deployment.forwarderRegions.includes(identityCenterRegion)
        ? [...deployment.forwarderRegions, identityCenterRegion]
        : deployment.forwarderRegions,
    slack: deployment.slack,
    organization: deployment.organization,
    ocsf: deployment.ocsf,
    vigil,
    enabledRules: [...effective.rules].filter(([, rule]) => rule.enabled).map(([id]) => id),
  };
}

/** Reads `<directory>/<stage>.json`; a stage without a file gets the defaults. */
export function loadStageConfig(directory: string, stage: string, catalogue: readonly AnyRule[]): StageConfig {
  const file = join(directory, `${stage}.json`);
  const source = `config/${stage}.json`;
  if (!existsSync(file)) return parseStageConfig({}, stage, catalogue, source);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StageConfigError(`${source}: invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseStageConfig(value, stage, catalogue, source);
}
