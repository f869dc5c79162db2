import { CREDENTIAL_REPORT_COLUMNS, type CredentialReportRow, CredentialReportError, parseCredentialReport } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const HEADER = CREDENTIAL_REPORT_COLUMNS.join(",");
const ABSENT = ["N/A", "no_information", "not_supported"] as const;

/** A CSV field as the report writes it, and the value the parser must give for it. */
type Field<T> = fc.Arbitrary<[string, T]>;

const time: Field<string | undefined> = fc.oneof(
  fc.constantFrom(...ABSENT).map((token): [string, undefined] => [token, undefined]),
  fc
    .date({ min: new Date("2010-01-01T00:00:00Z"), max: new Date("2030-12-31T23:59:59Z"), noInvalidDate: true })
    .map((date): [string, string] => {
      const text = `${date.toISOString().slice(0, 19)}+00:00`;
      return [text, text];
    }),
);
const instant = time.filter((field): field is [string, string] => field[1] !== undefined);
const flag: Field<boolean> = fc.boolean().map((value) => [String(value), value]);
const optionalFlag: Field<boolean | undefined> = fc.oneof(flag, fc.constant<[string, undefined]>(["not_supported", undefined]));
const text: Field<string | undefined> = fc.oneof(
  fc.constant<[string, undefined]>(["N/A", undefined]),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).map((value): [string, string] => [value, value]),
);
/** IAM user names allow `,`, so the CSV must quote some. */
const userName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,32}$/).filter((name) => name !== "<root_account>");

const key = (slot: 1 | 2) =>
  fc.tuple(flag, time, time, text, text).map(([active, lastRotated, lastUsedDate, region, service]) => ({
    fields: [active[0], lastRotated[0], lastUsedDate[0], region[0], service[0]],
    value: { slot, active: active[1], lastRotated: lastRotated[1], lastUsedDate: lastUsedDate[1], lastUsedRegion: region[1], lastUsedService: service[1] },
  }));
const certificate = (slot: 1 | 2) =>
  fc.tuple(flag, time).map(([active, lastRotated]) => ({ fields: [active[0], lastRotated[0]], value: { slot, active: active[1], lastRotated: lastRotated[1] } }));

const row = (root: boolean) =>
  fc
    .record({
      name: root ? fc.constant("<root_account>") : userName,
      path: fc.constantFrom("", "engineering/", "a/b/"),
      created: instant,
      passwordEnabled: optionalFlag,
      passwordTimes: fc.tuple(time, time, time),
      mfa: flag,
      keys: fc.tuple(key(1), key(2)),
      certificates: fc.tuple(certificate(1), certificate(2)),
    })
    .map(({ name, path, created, passwordEnabled, passwordTimes, mfa, keys, certificates }) => {
      const arn = root ? "arn:aws:iam::111122223333:root" : `arn:aws:iam::111122223333:user/${path}${name}`;
      const fields = [
        name,
        arn,
        created[0],
        passwordEnabled[0],
        ...passwordTimes.map(([field]) => field),
        mfa[0],
        ...keys.flatMap((entry) => entry.fields),
        ...certificates.flatMap((entry) => entry.fields),
      ];
      const value = {
        kind: root ? "root" : "user",
        user: name,
        arn,
        userCreationTime: created[1],
        passwordEnabled: passwordEnabled[1],
        passwordLastUsed: passwordTimes[0][1],
        passwordLastChanged: passwordTimes[1][1],
        passwordNextRotation: passwordTimes[2][1],
        mfaActive: mfa[1],
        accessKeys: [keys[0].value, keys[1].value],
        certificates: [certificates[0].value, certificates[1].value],
      } as CredentialReportRow;
      return { fields, value };
    });

const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

const report = fc
  .tuple(fc.boolean(), fc.array(row(false), { maxLength: 8 }), fc.constantFrom("\n", "\r\n"))
  .chain(([withRoot, users, newline]) =>
    (withRoot ? row(true) : fc.constant(undefined)).map((root) => {
      const rows = root ? [root, ...users] : users;
      return {
        csv: [HEADER, ...rows.map((entry) => entry.fields.map(quote).join(","))].join(newline) + newline,
        rows: rows.map((entry) => entry.value),
      };
    }),
  );

function parsesOrFailsTyped(csv: string): void {
  try {
    parseCredentialReport(csv);
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialReportError);
    expect((error as CredentialReportError).line).toBeGreaterThanOrEqual(1);
  }
}

describe("Properties: parseCredentialReport", () => {
  it("a generated valid report round-trips to the rows it was written from", () => {
    fc.assert(
      fc.property(report, ({ csv, rows }) => {
        expect(parseCredentialReport(csv)).toEqual(rows);
      }),
    );
  });

  it("throws nothing but CredentialReportError on arbitrary text", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string().map((tail) => `${HEADER}\n${tail}`)), parsesOrFailsTyped));
  });

  it("throws nothing but CredentialReportError on a mutated valid report", () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom("delete", "insert", "replace"), fc.constantFrom('"', ",", "\n", "\r", "x", "N/A", "true", "", ":"));
    fc.assert(
      fc.property(report, fc.array(edit, { minLength: 1, maxLength: 6 }), ({ csv }, edits) => {
        let text = csv;
        for (const [at, kind, insert] of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + (kind === "delete" ? "" : insert) + text.slice(kind === "insert" ? position : position + 1);
        }
        parsesOrFailsTyped(text);
      }),
    );
  });
});
