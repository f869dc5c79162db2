import { InputTooLargeError, readFileLimited } from "@vigil/cloudtrail";
import { ConfigError } from "@vigil/core";
import { organizationSettingsSchema } from "@vigil/monitor";
import * as z from "zod";
import { CONFIG_FILE_LIMIT } from "../loadConfig.ts";

/** The forwarder regions of a stage that names none; mirrors stacks/stageConfig.ts, which the CLI does not import. */
export const DEFAULT_FORWARDER_REGIONS = ["us-east-2", "eu-north-1", "ap-southeast-2"] as const;
const DEFAULT_SLACK_PARAMETER = "/vigil/slack-webhook";

/**
 * Only the keys the doctor needs, loosely: the deployment (stacks/stageConfig.ts) owns the full
 * schema and validates the file before every deploy, so the doctor must not refuse keys it does not read.
 */
const doctorConfigSchema = z.looseObject({
  forwarderRegions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as eu-west-1")).default([...DEFAULT_FORWARDER_REGIONS]),
  slack: z.looseObject({ webhookParameter: z.string().min(1).default(DEFAULT_SLACK_PARAMETER) }).optional(),
  organization: z.looseObject(organizationSettingsSchema.pick({ id: true, managementAccountId: true, auditRoleName: true }).shape).optional(),
});

export interface DoctorConfig {
  /** Where the settings came from, for the report's first line. */
  source: string;
  forwarderRegions: readonly string[];
  /** The SSM parameter of the Slack webhook; undefined when the stage sends nothing to Slack. */
  slackParameter: string | undefined;
  organization: { id: string; managementAccountId: string; auditRoleName: string } | undefined;
}

/**
 * Reads the stage configuration the deployment was made from: `file` when given (it must exist),
 * else config/<stage>.json, whose absence means the defaults, exactly as a deploy reads it.
 *
 * @throws ConfigError naming the file and the key.
 */
export async function loadDoctorConfig(stage: string, file: string | undefined): Promise<DoctorConfig> {
  const path = file ?? `config/${stage}.json`;
  let text: string;
  try {
    // The same bound as `--config`: a stage file is a few KB, and a wrong path must not fill memory.
    text = (await readFileLimited(path, CONFIG_FILE_LIMIT)).toString("utf8");
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new ConfigError(`${error.message}; is this the stage configuration?`, { cause: error });
    const code = (error as NodeJS.ErrnoException).code;
    if (file === undefined && code === "ENOENT") return { ...fromParsed(doctorConfigSchema.parse({})), source: `defaults (no ${path})` };
    throw new ConfigError(`${path}: cannot read (${code ?? error})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = doctorConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path ?? []).map(String).join(".");
    throw new ConfigError(`${path}: ${key ? `${key}: ` : ""}${issue?.message ?? "invalid"}`);
  }
  return { ...fromParsed(parsed.data), source: path };
}

function fromParsed(data: z.output<typeof doctorConfigSchema>): Omit<DoctorConfig, "source"> {
  const { organization } = data;
  return {
    forwarderRegions: data.forwarderRegions,
    slackParameter: data.slack?.webhookParameter,
    organization: organization ? { id: organization.id, managementAccountId: organization.managementAccountId, auditRoleName: organization.auditRoleName } : undefined,
  };
}
