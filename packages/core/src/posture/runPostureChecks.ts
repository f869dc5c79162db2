import * as z from "zod";
import { InvalidInputError } from "../errors.ts";
import type { Finding } from "../findings/Finding.ts";
import { findingId } from "../findings/findingId.ts";
import type { ActionIndex } from "../policy/ActionIndex.ts";
import type { EffectiveConfig } from "../rules/EffectiveConfig.ts";
import { sparesPrincipal } from "../rules/ignoreMatch.ts";
import type { AccountSnapshot } from "./AccountSnapshot.ts";
import { postureChecks } from "./checks/index.ts";
import type { AnyPostureCheck, PostureContext, PostureData, PostureMatch, PosturePart } from "./PostureCheck.ts";
import { describeUnavailable, readSnapshotParts } from "./snapshotParts.ts";

export interface PostureRunOptions {
  config: EffectiveConfig;
  /** The run's instant: stamps detectedAt and lastSeenAt, and every age is measured from it. */
  now: Date;
  /** Real IAM action names, so admin-policy-in-use reads NotAction exactly. */
  actions?: ActionIndex;
  /** The checks to run; all of Vigil's by default. */
  checks?: readonly AnyPostureCheck[];
}

/** A check that did not run, or part of one (an unreadable policy), and why. */
export interface SkippedCheck {
  checkId: string;
  reason: string;
  /** Set when the check itself threw. */
  error?: unknown;
}

export interface PostureRun {
  findings: Finding[];
  skipped: SkippedCheck[];
  /** Checks that judged only some principals this run, with those principals (see PostureContext.judgedOnly). */
  partial: PartialCheck[];
}

export interface PartialCheck {
  checkId: string;
  principals: string[];
}

const header = z.object({
  account: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  region: z.string().min(1, "must not be empty"),
});

/**
 * Runs the enabled posture checks over one snapshot of an account. A check whose input is absent or
 * invalid is skipped with the reason; findings of principals an unexpired, principal-only ignore
 * entry names are dropped (judged at the run's `now`).
 *
 * @throws InvalidInputError when the snapshot has no valid account or region.
 */
export function runPostureChecks(snapshot: AccountSnapshot, options: PostureRunOptions): PostureRun {
  const parsed = header.safeParse(snapshot);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInputError(issue?.message ?? "invalid", (issue?.path ?? []).map(String).join("."), { source: "account snapshot" });
  }
  const { account, region } = parsed.data;
  const { config, now, actions } = options;
  const { data, unavailable } = readSnapshotParts(snapshot);
  const findings: Finding[] = [];
  const skipped: SkippedCheck[] = [];
  const partial: PartialCheck[] = [];

  for (const check of options.checks ?? postureChecks) {
    const checkId = check.meta.id;
    const checkConfig = config.checks.get(checkId);
    if (checkConfig?.enabled === false) continue;

    const missing = (check.needs as readonly PosturePart[]).find((part) => data[part] === undefined);
    if (missing) {
      skipped.push({ checkId, reason: `needs ${describeUnavailable(missing, unavailable)}` });
      continue;
    }
    const oneOf = check.needsOneOf ?? [];
    if (oneOf.length > 0 && oneOf.every((part) => data[part] === undefined)) {
      skipped.push({ checkId, reason: `needs ${oneOf.map((part) => describeUnavailable(part, unavailable)).join(" or ")}` });
      continue;
    }

    let judged: string[] | undefined;
    const context: PostureContext<unknown> = {
      params: checkConfig ? checkConfig.params : (check.params?.parse({}) ?? {}),
      account,
      accountArn: `arn:aws:iam::${account}:root`,
      now,
      ...(actions ? { actions } : {}),
      skip: (reason) => skipped.push({ checkId, reason }),
      judgedOnly: (principals) => {
        judged = [...(judged ?? []), ...principals];
      },
    };
    let matches: readonly PostureMatch[];
    try {
      matches = check.evaluate(data as PostureData, context);
    } catch (error) {
      skipped.push({ checkId, reason: `the check failed: ${(error as Error).message}`, error });
      continue;
    }
    if (judged) partial.push({ checkId, principals: [...new Set(judged)].sort() });
    for (const match of matches) {
      if (ignored(config, checkId, match.principal, now)) continue;
      findings.push(toFinding(check, checkConfig?.severity, match, { account, region, now }));
    }
  }
  return { findings, skipped, partial };
}

function ignored(config: EffectiveConfig, checkId: string, principal: string, now: Date): boolean {
  return config.ignore.some((rule) => (!rule.rules || rule.rules.has(checkId)) && sparesPrincipal(rule, principal, now));
}

function toFinding(
  check: AnyPostureCheck,
  configuredSeverity: Finding["severity"] | undefined,
  match: PostureMatch,
  run: { account: string; region: string; now: Date },
): Finding {
  const { meta } = check;
  const at = run.now.toISOString();
  return {
    id: findingId(meta.id, [], match.key),
    ruleId: meta.id,
    title: meta.title,
    severity: configuredSeverity ?? match.severity ?? meta.severity,
    status: "open",
    account: run.account,
    region: run.region,
    principal: match.principal,
    resource: match.resource,
    summary: match.summary,
    description: meta.description,
    remediation: meta.remediation,
    references: meta.references,
    detectedAt: at,
    lastSeenAt: at,
    ...(match.details ? { details: match.details } : {}),
  };
}
