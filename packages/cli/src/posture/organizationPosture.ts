import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { atLeast, type EffectiveConfig, type Finding } from "@vigil/core";
import type { Io } from "../Io.ts";
import { openStore } from "../openStore.ts";
import { type FindingsRunOutput, plural } from "../options.ts";
import { SeverityCounts } from "../output/SeverityCounts.ts";
import { writePostureFindings } from "../output/postureOutput.ts";
import { configuredRegion } from "./readLiveSnapshot.ts";
import { describeAccounts, organizationFindings } from "./organizationOutput.ts";
import { readOrganizationPosture } from "./readOrganization.ts";

export interface OrganizationPostureCommand {
  region: string | undefined;
  roleName: string;
  concurrency: number;
  /** --store: a directory, or memory for none. */
  store: string;
  config: EffectiveConfig;
  output: FindingsRunOutput;
}

/**
 * `vigil posture --organization`: every account's line on stderr, then the findings of them all
 * (table or JSON, as for one account) and a summary. Exits 1 when --fail-on is met, or when it is
 * given and some account could not be read: a check that did not run proves nothing.
 */
export async function organizationPosture(io: Io, options: OrganizationPostureCommand): Promise<number> {
  const { format, minSeverity, failOn } = options.output;
  const region = await regionOf(options.region);
  const started = Date.now();
  const opened = options.store === "memory" ? undefined : await openStore(options.store);
  let posture;
  try {
    posture = await readOrganizationPosture({
      region,
      roleName: options.roleName,
      concurrency: options.concurrency,
      config: options.config,
      now: new Date(),
      ...(opened ? { store: opened.store.posture } : {}),
    });
  } finally {
    await opened?.close();
  }
  io.stderr.write(`Accounts of organization ${posture.inventory.organizationId}:\n${describeAccounts(posture)}`);

  const findings = organizationFindings(posture);
  const counts = new SeverityCounts();
  for (const finding of findings) counts.add(finding.severity);
  const shown: Finding[] = findings.filter((finding) => atLeast(finding.severity, minSeverity));
  const notRead = posture.outcomes.filter((outcome) => !outcome.read).length;
  const read = posture.outcomes.length - notRead;
  const failed = failOn !== undefined && (notRead > 0 || findings.some((finding) => atLeast(finding.severity, failOn)));
  const summary =
    `Checked ${plural(read, "account")} of organization ${posture.inventory.organizationId} in ${region}, ${notRead} not read, in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
    plural(counts.total, "finding") +
    (counts.total ? ` (${counts.describe()})` : "") +
    (shown.length < counts.total ? `, ${shown.length} at or above ${minSeverity} shown` : "") +
    (opened ? `; stored in ${opened.location}` : "");
  await writePostureFindings(io, format, shown, summary, options.region ? { region: options.region } : {});
  return failed ? 1 : 0;
}

async function regionOf(region: string | undefined): Promise<string> {
  if (region) return region;
  const client = new CloudTrailClient({});
  try {
    return await configuredRegion(client);
  } finally {
    client.destroy();
  }
}
