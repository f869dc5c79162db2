import * as z from "zod";
import { CIS } from "../../rules/references.ts";
import { ago, daysSince, presentKeys } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";

export const rootUsedRecently = definePostureCheck({
  meta: {
    id: "root-used-recently",
    title: "Root user used recently",
    severity: "HIGH",
    description:
      "The credential report shows the root user's password or one of its access keys used within the last `windowDays` days (30 by default). The event rules report root use as it happens; this check is the backstop for use they could not see, such as before Vigil was deployed or in a region the trail missed. Each use is its own finding, so a new use is reported even while an older one is still open.",
    remediation:
      "Ask the account owner who used root and why, and look the use up in CloudTrail. If nobody can explain it, treat root as compromised: reset its password, re-register MFA, delete any root access keys. Move the task to an IAM role so root is not needed for it again.",
    references: [CIS.rootUsage],
  },
  needs: ["credentialReport"],
  params: z.strictObject({
    windowDays: z.number().int().min(1).max(400).default(30),
  }),
  evaluate({ credentialReport }, { params, now }) {
    const root = credentialReport.find((row) => row.kind === "root");
    if (!root) return [];
    const uses: { credential: string; what: string; at: string; where?: string; details: Record<string, unknown> }[] = [];
    if (root.passwordLastUsed) uses.push({ credential: "password", what: "password", at: root.passwordLastUsed, details: {} });
    for (const key of presentKeys(root)) {
      if (!key.lastUsedDate) continue;
      const where = [key.lastUsedService, key.lastUsedRegion && `in ${key.lastUsedRegion}`].filter(Boolean).join(" ");
      uses.push({
        credential: `key${key.slot}`,
        what: `access key ${key.slot}`,
        at: key.lastUsedDate,
        ...(where ? { where } : {}),
        details: { slot: key.slot, lastUsedRegion: key.lastUsedRegion ?? null, lastUsedService: key.lastUsedService ?? null },
      });
    }
    return uses
      .filter((use) => daysSince(use.at, now) < params.windowDays)
      .map((use): PostureMatch => {
        const days = daysSince(use.at, now);
        return {
          principal: root.arn,
          resource: root.arn,
          // Keyed by the time of use: a later use is a new finding, and the old one resolves.
          key: `${root.arn}#${use.credential}@${use.at}`,
          summary: `The root user's ${use.what} was used ${ago(days)} (${use.at}${use.where ? `, ${use.where}` : ""}).`,
          details: { credential: use.credential, lastUsed: use.at, daysAgo: days, windowDays: params.windowDays, ...use.details },
        };
      });
  },
});
