import * as z from "zod";
import { CredentialReportError } from "./CredentialReportError.ts";
import { type CredentialReportRow, ROOT_ACCOUNT_USER } from "./CredentialReportRow.ts";
import { readCsv } from "./csv.ts";

/** The columns Vigil reads, as the IAM User Guide lists them; a report may carry more, which are ignored. */
export const CREDENTIAL_REPORT_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "password_last_changed",
  "password_next_rotation",
  "mfa_active",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_1_last_used_region",
  "access_key_1_last_used_service",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
  "access_key_2_last_used_region",
  "access_key_2_last_used_service",
  "cert_1_active",
  "cert_1_last_rotated",
  "cert_2_active",
  "cert_2_last_rotated",
] as const;

/** How the report says "no value": no key or password (`N/A`), never used or too old to know (`no_information`), root (`not_supported`). */
const ABSENT = new Set(["N/A", "no_information", "not_supported"]);
const ABSENT_LIST = "N/A, no_information or not_supported";

const isoTime = z.iso.datetime({ offset: true });

const shown = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

const instant = z.string().refine((value) => isoTime.safeParse(value).success, {
  error: (issue) => `expected an ISO 8601 time, got ${shown(String(issue.input))}`,
});

const time = z.string().transform((value, ctx) => {
  if (ABSENT.has(value)) return undefined;
  if (isoTime.safeParse(value).success) return value;
  ctx.addIssue({ code: "custom", message: `expected an ISO 8601 time or ${ABSENT_LIST}, got ${shown(value)}` });
  return z.NEVER;
});

const TRUTH: Record<string, boolean> = { true: true, false: false };

const flag = z.string().transform((value, ctx) => {
  const truth = TRUTH[value.toLowerCase()];
  if (truth !== undefined) return truth;
  ctx.addIssue({ code: "custom", message: `expected true or false, got ${shown(value)}` });
  return z.NEVER;
});

const optionalFlag = z.string().transform((value, ctx) => {
  const truth = TRUTH[value.toLowerCase()];
  if (truth !== undefined || ABSENT.has(value)) return truth;
  ctx.addIssue({ code: "custom", message: `expected true, false or ${ABSENT_LIST}, got ${shown(value)}` });
  return z.NEVER;
});

const text = z.string().transform((value) => (value === "" || ABSENT.has(value) ? undefined : value));

/** Any partition; `root` for the account, `user/` plus an optional path and the name for a user. */
const IAM_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+)$/;

const columnsSchema = z
  .object({
    user: z.string().min(1, "the user name is empty"),
    arn: z.string().regex(IAM_ARN, "expected an IAM user or root ARN (arn:aws:iam::<account>:user/<name> or :root)"),
    user_creation_time: instant,
    password_enabled: optionalFlag,
    password_last_used: time,
    password_last_changed: time,
    password_next_rotation: time,
    mfa_active: flag,
    access_key_1_active: flag,
    access_key_1_last_rotated: time,
    access_key_1_last_used_date: time,
    access_key_1_last_used_region: text,
    access_key_1_last_used_service: text,
    access_key_2_active: flag,
    access_key_2_last_rotated: time,
    access_key_2_last_used_date: time,
    access_key_2_last_used_region: text,
    access_key_2_last_used_service: text,
    cert_1_active: flag,
    cert_1_last_rotated: time,
    cert_2_active: flag,
    cert_2_last_rotated: time,
  })
  .superRefine((row, ctx) => {
    if ((row.user === ROOT_ACCOUNT_USER) !== row.arn.endsWith(":root")) {
      ctx.addIssue({ code: "custom", path: ["arn"], message: `a ${ROOT_ACCOUNT_USER} row needs the root ARN, and only it may have one` });
    }
  });

/**
 * Reads the CSV GetCredentialReport returns (after base64 decoding) into typed rows, in report order.
 * Columns are found by their header name, so their order does not matter and columns AWS adds later are ignored.
 *
 * @throws CredentialReportError naming the line, and the column for a bad value.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const [header, ...records] = readCsv(csv);
  if (!header) throw new CredentialReportError("the report is empty: expected a header line", 1);

  const index = new Map<string, number>();
  for (const [position, name] of header.fields.entries()) {
    if (index.has(name)) throw new CredentialReportError(`the header names the column "${name}" twice`, header.line);
    index.set(name, position);
  }
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) throw new CredentialReportError(`the header lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, header.line);

  return records.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) {
      throw new CredentialReportError(`expected ${header.fields.length} fields as in the header, got ${fields.length}`, line);
    }
    const raw = Object.fromEntries(CREDENTIAL_REPORT_COLUMNS.map((name) => [name, fields[index.get(name) as number]]));
    const parsed = columnsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CredentialReportError(issue?.message ?? "invalid", line, issue?.path[0] === undefined ? undefined : String(issue.path[0]));
    }
    const row = parsed.data;
    const base = {
      arn: row.arn,
      userCreationTime: row.user_creation_time,
      passwordEnabled: row.password_enabled,
      passwordLastUsed: row.password_last_used,
      passwordLastChanged: row.password_last_changed,
      passwordNextRotation: row.password_next_rotation,
      mfaActive: row.mfa_active,
      accessKeys: [
        {
          slot: 1,
          active: row.access_key_1_active,
          lastRotated: row.access_key_1_last_rotated,
          lastUsedDate: row.access_key_1_last_used_date,
          lastUsedRegion: row.access_key_1_last_used_region,
          lastUsedService: row.access_key_1_last_used_service,
        },
        {
          slot: 2,
          active: row.access_key_2_active,
          lastRotated: row.access_key_2_last_rotated,
          lastUsedDate: row.access_key_2_last_used_date,
          lastUsedRegion: row.access_key_2_last_used_region,
          lastUsedService: row.access_key_2_last_used_service,
        },
      ],
      certificates: [
        { slot: 1, active: row.cert_1_active, lastRotated: row.cert_1_last_rotated },
        { slot: 2, active: row.cert_2_active, lastRotated: row.cert_2_last_rotated },
      ],
    } satisfies Omit<CredentialReportRow, "kind" | "user">;
    return row.user === ROOT_ACCOUNT_USER ? { kind: "root", user: ROOT_ACCOUNT_USER, ...base } : { kind: "user", user: row.user, ...base };
  });
}
