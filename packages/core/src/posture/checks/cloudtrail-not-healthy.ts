import { CIS } from "../../rules/references.ts";
import type { Trail } from "../AccountSnapshot.ts";
import { definePostureCheck } from "../PostureCheck.ts";

function problems(trail: Trail): string[] {
  const found: string[] = [];
  if (!trail.isMultiRegionTrail) found.push("covers its home region only");
  if (!trail.isLogging) found.push("is not logging");
  if (!trail.logFileValidationEnabled) found.push("has no log file validation");
  if (!trail.includesManagementEvents) found.push("does not record all management events");
  return found;
}

export const cloudTrailNotHealthy = definePostureCheck({
  meta: {
    id: "cloudtrail-not-healthy",
    title: "No healthy multi-region CloudTrail trail",
    severity: "HIGH",
    description:
      "No CloudTrail trail in the account records read and write management events in every region, is logging, and has log file validation enabled. Without one, API activity in some regions (or all) leaves no lasting record, and altered or deleted log files go unnoticed; Vigil's own event rules see only what a trail delivers.",
    remediation:
      "Turn one trail into a healthy one: `aws cloudtrail update-trail --name <trail> --is-multi-region-trail --enable-log-file-validation`, `aws cloudtrail put-event-selectors` recording all management events, and `aws cloudtrail start-logging`. An organization trail from the management account covers every member account.",
    references: [CIS.cloudTrailAllRegions, CIS.logFileValidation],
  },
  needs: ["trails"],
  evaluate({ trails }, { accountArn }) {
    // A trail is listed once per region it shadows into; its ARN is the same in each.
    const unique = [...new Map(trails.map((trail) => [trail.arn, trail])).values()];
    const assessed = unique.map((trail) => ({ trail, problems: problems(trail) }));
    if (assessed.some((entry) => entry.problems.length === 0)) return [];
    const summary =
      assessed.length === 0
        ? "The account has no CloudTrail trail."
        : `No CloudTrail trail records management events in every region with log file validation: ${assessed
            .map(({ trail, problems: found }) => `${trail.name} ${found.join(" and ")}`)
            .join("; ")}.`;
    return [
      {
        principal: accountArn,
        resource: accountArn,
        key: accountArn,
        summary,
        details: { trails: assessed.map(({ trail, problems: found }) => ({ name: trail.name, arn: trail.arn, homeRegion: trail.homeRegion, problems: found })) },
      },
    ];
  },
});
