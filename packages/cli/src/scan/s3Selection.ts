import { ACCOUNT_ID, REGION } from "@vigil/cloudtrail";
import type { TrailSelection } from "@vigil/cloudtrail/s3";
import { UsageError } from "../errors.ts";
import { scanWindow } from "./timeRange.ts";

/** The options of `vigil scan s3://...` checked into a selection; each bad value is a UsageError naming its option. */
export function trailSelection(
  values: { since?: string; until?: string; account?: readonly string[]; region?: readonly string[] },
  now: Date,
): TrailSelection {
  const accounts = splitList(values.account);
  for (const account of accounts) if (!ACCOUNT_ID.test(account)) throw new UsageError(`--account: expected a 12-digit AWS account id, got "${account}"`);
  const regions = splitList(values.region);
  for (const region of regions) if (!REGION.test(region)) throw new UsageError(`--region: expected a region such as us-east-1, got "${region}"`);
  return { ...scanWindow(values, now), accounts, regions };
}

/** `--account A --account B` and `--account A,B` alike. */
function splitList(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap((value) => value.split(",")).map((value) => value.trim()))];
}
