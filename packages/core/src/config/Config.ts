import * as z from "zod";
import { ConfigError } from "../errors.ts";
import { severitySchema } from "../findings/Severity.ts";
import { postureChecks } from "../posture/checks/index.ts";
import type { AnyPostureCheck } from "../posture/PostureCheck.ts";
import type { EffectiveConfig, EffectiveRuleConfig } from "../rules/EffectiveConfig.ts";
import type { AnyRule } from "../rules/Rule.ts";
import { expiryInstant } from "./expiry.ts";
import { globToRegExp } from "./glob.ts";
import { ignoreEntrySchema } from "./ignoreEntry.ts";
import { IpRanges } from "./ipRange.ts";
import { hasNestedQuantifier } from "./nestedQuantifier.ts";

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

const regexSource = z
  .string()
  .refine(
    (source) => {
      try {
        new RegExp(source, "i");
        return true;
      } catch {
        return false;
      }
    },
    { message: "must be a valid regular expression" },
  )
  .refine((source) => !hasNestedQuantifier(source), {
    message: "repeats a group that itself repeats (such as (a+)+), which can take exponential time on a near miss; write it without the nested repeat",
  });

const ruleOverride = z.looseObject({
  enabled: z.boolean().optional(),
  severity: severitySchema.optional(),
});

export const configSchema = z.strictObject({
  trustedAccounts: z.array(accountId).default([]),
  privilegedGroupPatterns: z.array(regexSource).default(["admin"]),
  ignore: z.array(ignoreEntrySchema).default([]),
  rules: z.record(z.string(), ruleOverride).default({}),
});

export type ConfigInput = z.input<typeof configSchema>;
type ConfigOutput = z.output<typeof configSchema>;

/**
 * Validates a configuration object against the catalogue and the posture checks (both share the
 * file's `rules` and `ignore`): unknown keys, unknown rule ids and bad parameter values fail with a
 * ConfigError whose message names the key (`rules.console-login-failures.threshold`).
 */
export function resolveConfig(input: unknown, catalogue: readonly AnyRule[], checks: readonly AnyPostureCheck[] = postureChecks): EffectiveConfig {
  // No configuration (undefined) means the defaults; null or any other non-object is refused, never read as empty.
  if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) throw new ConfigError(`expected a JSON object, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}`);
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) throw configError(parsed.error.issues);
  const config = parsed.data;
  const known = new Set([...catalogue, ...checks].map((unit) => unit.meta.id));

  for (const [index, entry] of config.ignore.entries()) {
    for (const id of entry.rules ?? []) {
      if (!known.has(id)) throw new ConfigError(`ignore.${index}.rules: unknown rule id "${id}"`);
    }
  }
  for (const id of Object.keys(config.rules)) {
    if (!known.has(id)) throw new ConfigError(`rules.${id}: unknown rule id`);
  }

  return {
    settings: {
      trustedAccounts: config.trustedAccounts,
      privilegedGroupPatterns: config.privilegedGroupPatterns.map((source) => new RegExp(source, "i")),
    },
    ignore: config.ignore.map((entry, index) => ({
      entry,
      index,
      ...(entry.principal !== undefined ? { principal: globToRegExp(entry.principal) } : {}),
      ...(entry.userAgent !== undefined ? { userAgent: globToRegExp(entry.userAgent, "i") } : {}),
      ...(entry.invokedBy !== undefined ? { invokedBy: globToRegExp(entry.invokedBy) } : {}),
      ...(entry.sourceIp !== undefined ? { sourceIp: new IpRanges([entry.sourceIp].flat()) } : {}),
      ...(entry.rules ? { rules: new Set(entry.rules) } : {}),
      ...expiresAt(entry.expires),
    })),
    rules: resolveOverrides(catalogue, config.rules),
    checks: resolveOverrides(checks, config.rules),
  };
}

/** The schema has checked `expires` already; this only turns it into the instant the engine compares. */
function expiresAt(expires: string | undefined): { expiresAt?: number } {
  const instant = expires === undefined ? undefined : expiryInstant(expires);
  return instant === undefined ? {} : { expiresAt: instant };
}

/** A rule or a posture check: what the file's `rules` entries configure. */
interface Configurable {
  meta: { id: string };
  params?: z.ZodType<unknown>;
}

function resolveOverrides(units: readonly Configurable[], overrides: ConfigOutput["rules"]): Map<string, EffectiveRuleConfig> {
  const resolved = new Map<string, EffectiveRuleConfig>();
  for (const unit of units) {
    const { enabled, severity, ...rest } = overrides[unit.meta.id] ?? {};
    let params: unknown = {};
    if (unit.params) {
      const result = unit.params.safeParse(rest);
      if (!result.success) throw configError(result.error.issues, `rules.${unit.meta.id}`);
      params = result.data;
    } else if (Object.keys(rest).length > 0) {
      throw new ConfigError(`rules.${unit.meta.id}.${Object.keys(rest)[0]}: unknown key (this rule takes no parameters)`);
    }
    resolved.set(unit.meta.id, { enabled: enabled ?? true, ...(severity ? { severity } : {}), params });
  }
  return resolved;
}

function configError(issues: readonly z.core.$ZodIssue[], prefix = ""): ConfigError {
  const issue = issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  const message =
    issue?.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"` : (issue?.message ?? "invalid");
  return new ConfigError(path ? `${path}: ${message}` : message);
}
