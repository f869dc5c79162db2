import { printable, printableJson, printableLines } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** What no human-facing text may carry raw: C0 (printableLines keeps LF and TAB), DEL, C1, separators, bidi controls. */
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const RAW_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("Function: printable", () => {
  it("shows the escape sequences of the hostile-input report as text", () => {
    expect(printable("\u001b[2J\u001b[31mred")).toBe("\\x1b[2J\\x1b[31mred");
    expect(printable("\u001b]8;;http://evil\u0007link\u001b]8;;\u0007")).toBe("\\x1b]8;;http://evil\\x07link\\x1b]8;;\\x07");
    expect(printable("ok\rforged")).toBe("ok\\rforged");
    expect(printable("a\nb\tc\u007f\u009b")).toBe("a\\nb\\tc\\x7f\\x9b");
    expect(printable("invoice\u202efdp.exe \u2066x\u2069 \u200f")).toBe("invoice\\u202efdp.exe \\u2066x\\u2069 \\u200f");
  });

  it("leaves text without such characters as it is, accents, emoji and backslashes included", () => {
    for (const text of ["arn:aws:iam::111122223333:user/ünïcödé", "✓ 🚀 — 名前", "C:\\path\\x1b", ""]) expect(printable(text)).toBe(text);
  });

  it("never lets a raw control or bidi character through, and changes nothing else (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)), fc.constantFrom("\u202e", "\u2066", "\u061c", "\u2028")) }), (text) => {
        const shown = printable(text);
        expect(shown).not.toMatch(RAW);
        // Character by character: a safe one is itself, an unsafe one its escape, nothing else changes.
        expect(shown).toBe([...text].map((char) => (RAW.test(char) ? escapeOf(char) : char)).join(""));
      }),
      { numRuns: 500 },
    );
  });
});

describe("Function: printableLines", () => {
  it("keeps line feeds and tabs and escapes the rest", () => {
    expect(printableLines("line one\n\tline \u001b[2Jtwo\r\n")).toBe("line one\n\tline \\x1b[2Jtwo\\r\n");
  });

  it("never lets a raw character through other than a line feed or a tab (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code))) }), (text) => {
        expect(printableLines(text)).not.toMatch(RAW_BUT_LINES);
      }),
      { numRuns: 500 },
    );
  });
});

describe("Function: printableJson", () => {
  it("is JSON that reads back as the value, with no raw character a terminal would act on (property)", () => {
    const text = fc.string({ unit: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.constantFrom("\u202e", "\u009b", "\u007f", "\u2028")) });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text))), (value) => {
        const shown = printableJson(value);
        expect(shown).not.toMatch(RAW);
        expect(JSON.parse(shown)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});

/** The escape a reader sees, computed apart from the implementation. */
function escapeOf(char: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  const code = char.charCodeAt(0);
  return named[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}
