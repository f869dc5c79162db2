import * as z from "zod";
import { authorizationDetailsSchema } from "../access/AuthorizationDetails.ts";
import { principalServiceAccessSchema } from "../access/ServiceLastAccessed.ts";
import type { AccountSnapshot } from "./AccountSnapshot.ts";
import { parseCredentialReport } from "./parseCredentialReport.ts";
import { passwordPolicySchema } from "./PasswordPolicy.ts";
import type { PostureData, PosturePart } from "./PostureCheck.ts";

const instant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 time" });
const name = z.string().min(1);

/** Each part on its own, so one malformed part skips only the checks that read it. */
const PART_SCHEMAS: { [K in Exclude<PosturePart, "credentialReport">]: z.ZodType<PostureData[K]> } = {
  passwordPolicy: passwordPolicySchema.nullable(),
  accountSummary: z.record(z.string(), z.number()),
  customerPolicies: z.array(
    z.object({ arn: name, name, defaultVersionId: name, attachmentCount: z.number().int().min(0), document: z.string() }),
  ),
  userPolicyAttachments: z.array(z.object({ policyArn: name, userName: name, userArn: name.optional() })),
  supportRoles: z.array(name),
  serverCertificates: z.array(z.object({ name, arn: name, expiration: instant })),
  trails: z.array(
    z.object({
      name,
      arn: name,
      homeRegion: name,
      isMultiRegionTrail: z.boolean(),
      isLogging: z.boolean(),
      logFileValidationEnabled: z.boolean(),
      includesManagementEvents: z.boolean(),
    }),
  ),
  accessKeys: z.array(z.object({ userName: name, accessKeyId: name, createDate: instant })),
  authorizationDetails: authorizationDetailsSchema,
  serviceLastAccessed: z.array(principalServiceAccessSchema),
};

const ABSENT = "absent from the snapshot";

const PART_NAMES: Record<PosturePart, string> = {
  credentialReport: "the credential report",
  passwordPolicy: "the password policy",
  accountSummary: "the account summary",
  customerPolicies: "the customer-managed policies",
  userPolicyAttachments: "the policies attached to users",
  supportRoles: "the roles with AWSSupportAccess",
  serverCertificates: "the server certificates",
  trails: "the CloudTrail trails",
  accessKeys: "the access key list",
  authorizationDetails: "the account's authorization details",
  serviceLastAccessed: "Access Advisor's last-accessed data",
};

export interface SnapshotParts {
  data: Partial<PostureData>;
  /** Why each part the checks cannot read is missing: `absent from the snapshot` or `invalid: <field>: <problem>`. */
  unavailable: Map<PosturePart, string>;
}

/** Validates and parses each part of a snapshot; a part that is absent or invalid is left out with the reason. */
export function readSnapshotParts(snapshot: AccountSnapshot): SnapshotParts {
  const data: Partial<PostureData> = {};
  const unavailable = new Map<PosturePart, string>();
  const record = <K extends PosturePart>(part: K, read: () => PostureData[K] | string) => {
    const value = read();
    if (typeof value === "string") unavailable.set(part, value);
    else data[part] = value;
  };

  record("credentialReport", () => {
    if (snapshot.credentialReportCsv === undefined) return ABSENT;
    try {
      return parseCredentialReport(snapshot.credentialReportCsv);
    } catch (error) {
      return `invalid: ${(error as Error).message}`;
    }
  });
  for (const part of Object.keys(PART_SCHEMAS) as (keyof typeof PART_SCHEMAS)[]) {
    record(part, () => {
      const value = snapshot[part];
      if (value === undefined) return ABSENT;
      const parsed = PART_SCHEMAS[part].safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const path = (issue?.path ?? []).map(String).join(".");
      return `invalid: ${path ? `${part}.${path}` : part}: ${issue?.message ?? "invalid"}`;
    });
  }
  return { data, unavailable };
}

/** `the credential report (absent from the snapshot)`: a part and why the checks cannot have it. */
export function describeUnavailable(part: PosturePart, unavailable: ReadonlyMap<PosturePart, string>): string {
  return `${PART_NAMES[part]} (${unavailable.get(part) ?? ABSENT})`;
}
