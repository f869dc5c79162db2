import {
  type AdvancedEventSelector,
  type CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from "@aws-sdk/client-cloudtrail";
import type { Trail } from "@vigil/core";
import { AwsCallError, awsCall, type CallContext, mapLimit } from "./awsCall.ts";

/**
 * The trails the client's region sees, shadow copies of other regions' multi-region trails
 * included, each with its logging status and whether it records all management events: one
 * DescribeTrails (not paginated), then GetTrailStatus and GetEventSelectors per trail, addressed by
 * ARN as a shadow trail must be. A trail that cannot be read fails the whole part, since a check
 * that sees only some trails could report logging missing that an unread trail provides.
 */
export async function readTrails(cloudTrail: CloudTrailClient, context: CallContext): Promise<Trail[]> {
  const described = await awsCall(context, "cloudtrail:DescribeTrails", () => cloudTrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
  return mapLimit(described.trailList ?? [], 2, async (trail): Promise<Trail> => {
    const { Name: name, TrailARN: arn, HomeRegion: homeRegion } = trail;
    if (!name || !arn || !homeRegion) throw new AwsCallError("cloudtrail:DescribeTrails", `a trail without Name, TrailARN or HomeRegion: ${JSON.stringify(trail)}`);
    const status = await awsCall(context, "cloudtrail:GetTrailStatus", () => cloudTrail.send(new GetTrailStatusCommand({ Name: arn })));
    const selectors = await awsCall(context, "cloudtrail:GetEventSelectors", () => cloudTrail.send(new GetEventSelectorsCommand({ TrailName: arn })));
    return {
      name,
      arn,
      homeRegion,
      isMultiRegionTrail: trail.IsMultiRegionTrail === true,
      isLogging: status.IsLogging === true,
      logFileValidationEnabled: trail.LogFileValidationEnabled === true,
      includesManagementEvents: recordsAllManagementEvents(selectors.EventSelectors, selectors.AdvancedEventSelectors),
    };
  });
}

/**
 * Whether the selectors record management events, read and write. A trail has either classic or
 * advanced selectors. Advanced ones may split reads and writes over two selectors (readOnly true,
 * readOnly false), so their union is what counts. An eventSource exclusion (KMS or RDS Data API
 * events, the only ones allowed) does not count against it.
 */
function recordsAllManagementEvents(classic: readonly EventSelector[] | undefined, advanced: readonly AdvancedEventSelector[] | undefined): boolean {
  if (classic?.some((selector) => selector.IncludeManagementEvents === true && (selector.ReadWriteType ?? "All") === "All")) return true;
  let reads = false;
  let writes = false;
  for (const selector of advanced ?? []) {
    const fields = selector.FieldSelectors ?? [];
    const category = fields.find((field) => field.Field === "eventCategory");
    if (!category?.Equals?.includes("Management")) continue;
    const readOnly = fields.find((field) => field.Field === "readOnly");
    // Without a readOnly field the selector takes both sides; with one, the side(s) it names or leaves.
    const sides = readOnly?.Equals ?? ["true", "false"].filter((side) => !readOnly?.NotEquals?.includes(side));
    if (sides.includes("true")) reads = true;
    if (sides.includes("false")) writes = true;
  }
  return reads && writes;
}
