import { parseLogText } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitJsonDocuments } from "../../../../packages/core/src/event/jsonDocuments.ts";

const document = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));
const separator = fc.constantFrom("", " ", "\n", "\r\n", "\t  ");

describe("Function: splitJsonDocuments", () => {
  it("gives back each of several documents written one after the other, whatever lies between (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(document, separator), { minLength: 2, maxLength: 5 }), (parts) => {
        const text = parts.map(([value, between]) => `${JSON.stringify(value)}${between}`).join("");
        expect(splitJsonDocuments(text)?.map((part) => JSON.parse(part))).toEqual(parts.map(([value]) => JSON.parse(JSON.stringify(value))));
      }),
      { numRuns: 500 },
    );
  });

  it("is undefined for one document, a broken one, or anything between documents that is not whitespace", () => {
    expect(splitJsonDocuments('{"a":1}')).toBeUndefined();
    expect(splitJsonDocuments('{"a":1}{"b":')).toBeUndefined();
    expect(splitJsonDocuments('{"a":1},{"b":2}')).toBeUndefined();
    expect(splitJsonDocuments('{"a":"}{"}')).toBeUndefined();
    expect(splitJsonDocuments('1 2')).toBeUndefined();
    expect(splitJsonDocuments(`${"[".repeat(100_000)}${"]".repeat(100_000)}[]`)).toHaveLength(2);
  });
});

describe("Function: parseLogText on log files joined end to end", () => {
  it("reads the records of every document, located by document", () => {
    const text = `${JSON.stringify({ Records: [{ eventID: "a" }] })}${JSON.stringify({ Records: [{ eventID: "b" }, { eventID: "c" }] })}`;

    const items = [...parseLogText(text)];

    expect(items.map((item) => [item.kind, item.at])).toEqual([
      ["record", "document 1.Records[0]"],
      ["record", "document 2.Records[0]"],
      ["record", "document 2.Records[1]"],
    ]);
  });
});
