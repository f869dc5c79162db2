import { decodePolicyDocument } from "@vigil/aws-iam";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formEncode, rfc3986Encode } from "./iamEncoding.ts";

/** Policy-shaped JSON with any text in its values: `+`, `%`, quotes, non-ASCII, padding whitespace. */
const value = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constantFrom("*", "iam:*", "a+b", "100%", "%41", "arn:aws:iam::111122223333:user/a+b=c,d@e"));
const statement = fc.record({
  Sid: fc.option(fc.string(), { nil: undefined }),
  Effect: fc.constantFrom("Allow", "Deny"),
  Action: fc.oneof(value, fc.array(value, { maxLength: 3 })),
  Resource: fc.oneof(value, fc.array(value, { maxLength: 3 })),
  Condition: fc.option(fc.dictionary(fc.string(), fc.dictionary(fc.string(), value, { maxKeys: 2 }), { maxKeys: 2 }), { nil: undefined }),
});
const padding = fc.stringMatching(/^[ \t\r\n]{0,40}$/);
const policyText = fc
  .tuple(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 2, "\t"), padding)
  .map(([Statement, indent, pad]) => `${JSON.stringify({ Version: "2012-10-17", Statement }, null, indent)}${pad}`);

describe("Function: decodePolicyDocument", () => {
  it("decodes what IAM returns back to the JSON text, whichever way it was URL-encoded", () => {
    fc.assert(
      fc.property(policyText, (text) => {
        expect(decodePolicyDocument(rfc3986Encode(text))).toBe(text);
        expect(decodePolicyDocument(formEncode(text))).toBe(text);
      }),
    );
  });

  it("reads a bare + as the space it stands for, and %2B as a plus", () => {
    expect(decodePolicyDocument("%7B%22Sid%22%3A+%22a%2Bb%22%7D")).toBe('{"Sid": "a+b"}');
  });

  it("leaves a document that is already JSON text as it is, even with % and + in it", () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Sid":"100%+","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

    expect(decodePolicyDocument(text)).toBe(text);
  });

  it("throws on text that is not valid percent-encoding", () => {
    expect(() => decodePolicyDocument("%7B%22Version%22%3A%2")).toThrow(URIError);
  });
});
