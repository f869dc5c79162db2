import { CREDENTIAL_REPORT_COLUMNS, CredentialReportError, parseCredentialReport } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { credentialReport } from "./snapshot.ts";

const HEADER = CREDENTIAL_REPORT_COLUMNS.join(",");
const ROOT_ROW =
  "<root_account>,arn:aws:iam::111122223333:root,2019-03-01T09:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
const USER_ROW =
  "alice,arn:aws:iam::111122223333:user/alice,2024-01-10T09:00:00+00:00,true,2026-11-21T09:15:00+00:00,2024-01-10T09:00:00+00:00,N/A,true,true,2026-08-17T12:00:00+00:00,2026-11-21T16:20:00+00:00,eu-west-1,ec2,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

/** The user row with one column's value replaced. */
function withValue(column: (typeof CREDENTIAL_REPORT_COLUMNS)[number], value: string): string {
  const fields = USER_ROW.split(",");
  fields[CREDENTIAL_REPORT_COLUMNS.indexOf(column)] = value;
  return [HEADER, ROOT_ROW, fields.join(",")].join("\n");
}

function errorOf(csv: string): CredentialReportError {
  try {
    parseCredentialReport(csv);
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialReportError);
    return error as CredentialReportError;
  }
  throw new Error("expected a CredentialReportError");
}

describe("Function: parseCredentialReport", () => {
  it("types the root row, turning not_supported and no_information into undefined", () => {
    const [root] = parseCredentialReport([HEADER, ROOT_ROW].join("\n"));
    expect(root).toEqual({
      kind: "root",
      user: "<root_account>",
      arn: "arn:aws:iam::111122223333:root",
      userCreationTime: "2019-03-01T09:00:00+00:00",
      passwordEnabled: undefined,
      passwordLastUsed: undefined,
      passwordLastChanged: undefined,
      passwordNextRotation: undefined,
      mfaActive: true,
      accessKeys: [
        { slot: 1, active: false, lastRotated: undefined, lastUsedDate: undefined, lastUsedRegion: undefined, lastUsedService: undefined },
        { slot: 2, active: false, lastRotated: undefined, lastUsedDate: undefined, lastUsedRegion: undefined, lastUsedService: undefined },
      ],
      certificates: [
        { slot: 1, active: false, lastRotated: undefined },
        { slot: 2, active: false, lastRotated: undefined },
      ],
    });
  });

  it("reads every row of a real-shaped report, keeping times as written and N/A as undefined", () => {
    const rows = parseCredentialReport(credentialReport());
    expect(rows.map((row) => `${row.kind}:${row.user}`)).toEqual([
      "root:<root_account>",
      "user:alice",
      "user:bob",
      "user:carol",
      "user:dave",
      "user:erin",
      "user:frank",
      "user:grace",
      "user:heidi",
    ]);
    const alice = rows[1];
    expect(alice?.passwordEnabled).toBe(true);
    expect(alice?.passwordLastUsed).toBe("2026-11-21T09:15:00+00:00");
    expect(alice?.accessKeys[0]).toEqual({
      slot: 1,
      active: true,
      lastRotated: "2026-08-17T12:00:00+00:00",
      lastUsedDate: "2026-11-21T16:20:00+00:00",
      lastUsedRegion: "eu-west-1",
      lastUsedService: "ec2",
    });
    const dave = rows.find((row) => row.user === "dave");
    expect(dave?.passwordLastUsed).toBeUndefined(); // no_information
    expect(dave?.passwordNextRotation).toBe("2026-11-30T12:00:00+00:00");
    const carol = rows.find((row) => row.user === "carol");
    expect(carol?.passwordEnabled).toBe(false);
    expect(carol?.accessKeys[1]).toMatchObject({ active: false, lastRotated: "2025-01-01T00:00:00+00:00" });
    const frank = rows.find((row) => row.user === "frank");
    expect(frank?.arn).toBe("arn:aws:iam::111122223333:user/engineering/frank");
    expect(frank?.certificates).toEqual([
      { slot: 1, active: true, lastRotated: "2025-02-01T08:30:00+00:00" },
      { slot: 2, active: false, lastRotated: "2024-06-01T00:00:00+00:00" },
    ]);
  });

  it("finds columns by header name, ignores columns it does not know, and accepts CRLF, a BOM and quoted fields", () => {
    const header = ["extra_column", ...[...CREDENTIAL_REPORT_COLUMNS].reverse()].join(",");
    const values = ["ignored", ...USER_ROW.split(",").reverse()];
    values[values.length - 1] = '"ops,team ""a"""'; // the user column, quoted
    const [row] = parseCredentialReport(`\uFEFF${header}\r\n${values.join(",")}\r\n`);
    expect(row?.user).toBe('ops,team "a"');
    expect(row?.arn).toBe("arn:aws:iam::111122223333:user/alice");
    expect(row?.accessKeys[0].lastUsedService).toBe("ec2");
  });

  it("gives no rows for a report with only its header, and skips blank lines", () => {
    expect(parseCredentialReport(`${HEADER}\n`)).toEqual([]);
    expect(parseCredentialReport(`${HEADER}\n\n${ROOT_ROW}\n\n`)).toHaveLength(1);
  });

  it.each([
    ["mfa_active", "yes", 'line 3, column mfa_active: expected true or false, got "yes"'],
    ["password_enabled", "N/A!", 'line 3, column password_enabled: expected true, false or N/A, no_information or not_supported, got "N/A!"'],
    ["access_key_1_last_rotated", "2026-02-30T00:00:00+00:00", "line 3, column access_key_1_last_rotated: expected an ISO 8601 time or N/A"],
    ["access_key_1_last_used_date", "yesterday", 'line 3, column access_key_1_last_used_date: expected an ISO 8601 time or N/A, no_information or not_supported, got "yesterday"'],
    ["user_creation_time", "N/A", 'line 3, column user_creation_time: expected an ISO 8601 time, got "N/A"'],
    ["arn", "arn:aws:iam::111122223333:role/alice", "line 3, column arn: expected an IAM user or root ARN"],
    ["arn", "arn:aws:iam::111122223333:root", "line 3, column arn: a <root_account> row needs the root ARN, and only it may have one"],
    ["user", "", "line 3, column user: the user name is empty"],
  ] as const)("rejects %s = %j naming the line and column", (column, value, message) => {
    const error = errorOf(withValue(column, value));
    expect(error.message).toContain(message);
    expect(error.line).toBe(3);
    expect(error.column).toBe(column);
  });

  it.each([
    ["an empty text", "", "line 1: the report is empty"],
    ["a header without mfa_active", HEADER.replace(",mfa_active", ""), "line 1: the header lacks the column mfa_active"],
    ["a header naming a column twice", `${HEADER},user`, 'line 1: the header names the column "user" twice'],
    ["a row with a field too few", `${HEADER}\n${ROOT_ROW}\n${USER_ROW.replace(/,N\/A$/, "")}`, "line 3: expected 22 fields as in the header, got 21"],
    ["a quote never closed", `${HEADER}\n${ROOT_ROW}\n"alice,${USER_ROW}`, "line 3: a quoted field is never closed"],
    ["text after a closing quote", `${HEADER}\n"<root_account>"x,${ROOT_ROW.slice(15)}`, "line 2: text follows a closing quote"],
  ])("rejects %s naming the line", (_case, csv, message) => {
    expect(errorOf(csv).message).toContain(message);
  });
});
