import { PolicyParseError, parsePolicy } from "@vigil/core";
import { describe, expect, it } from "vitest";

const admin = { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }] };
const adminParsed = {
  version: "2012-10-17",
  id: undefined,
  statements: [
    {
      index: 0,
      sid: "All",
      effect: "Allow",
      action: ["*"],
      notAction: undefined,
      resource: ["*"],
      notResource: undefined,
      principal: undefined,
      notPrincipal: undefined,
      condition: undefined,
    },
  ],
};

describe("Function: parsePolicy", () => {
  it("reads pretty-printed JSON text as CloudTrail records it", () => {
    expect(parsePolicy(JSON.stringify(admin, null, 4))).toEqual(adminParsed);
  });

  it("reads URL-encoded JSON text as GetPolicyVersion and GetRole return it, '+' included", () => {
    const encoded = encodeURIComponent(JSON.stringify(admin, null, 2));

    expect(parsePolicy(encoded)).toEqual(adminParsed);
    expect(parsePolicy(encoded.replace(/%20/g, "+"))).toEqual(adminParsed);
  });

  it("reads an object, as a synthesized CloudFormation template holds it", () => {
    expect(parsePolicy(admin)).toEqual(adminParsed);
  });

  it("takes a single Statement object as statement 0 and numbers a list in order", () => {
    const single = parsePolicy({ Statement: { Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:aws:s3:::logs/*" } });
    const list = parsePolicy({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, { Effect: "Deny", Action: "s3:*", Resource: "*" }] });

    expect(single.version).toBeUndefined();
    expect(single.statements[0]).toMatchObject({ index: 0, effect: "Deny", notAction: ["iam:*"], notResource: ["arn:aws:s3:::logs/*"], action: undefined });
    expect(list.statements.map((s) => [s.index, s.effect, s.action])).toEqual([
      [0, "Allow", ["s3:GetObject"]],
      [1, "Deny", ["s3:*"]],
    ]);
  });

  it("normalises every principal form and keeps each type's values as a list", () => {
    const parsed = parsePolicy({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" },
        { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" },
        {
          Effect: "Allow",
          Principal: { AWS: ["123456789012", "arn:aws:iam::123456789012:root"], Service: "ec2.amazonaws.com", Federated: "cognito-identity.amazonaws.com", CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
          Action: "sts:AssumeRole",
        },
        { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/Admin" }, Action: "sts:AssumeRole" },
      ],
    });

    expect(parsed.statements.map((s) => [s.principal, s.notPrincipal])).toEqual([
      ["*", undefined],
      [{ AWS: ["*"] }, undefined],
      [
        {
          AWS: ["123456789012", "arn:aws:iam::123456789012:root"],
          Service: ["ec2.amazonaws.com"],
          Federated: ["cognito-identity.amazonaws.com"],
          CanonicalUser: ["79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"],
        },
        undefined,
      ],
      [undefined, { AWS: ["arn:aws:iam::123456789012:role/Admin"] }],
    ]);
  });

  it("turns condition values into lists of strings, booleans and numbers included", () => {
    const parsed = parsePolicy({
      Statement: {
        Effect: "Allow",
        Action: "s3:*",
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": true }, NumericLessThan: { "s3:max-keys": 10 }, StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
      },
    });

    expect(parsed.statements[0]?.condition).toEqual({
      Bool: { "aws:SecureTransport": ["true"] },
      NumericLessThan: { "s3:max-keys": ["10"] },
      StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] },
    });
  });

  it("keeps a __proto__ key as data", () => {
    const parsed = parsePolicy('{"Statement":{"Effect":"Allow","Action":"*","Principal":{"__proto__":["x"]},"Condition":{"__proto__":{"k":"v"}}}}');
    const principal = parsed.statements[0]?.principal as Record<string, unknown>;

    expect(Object.keys(principal)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(principal)).toBe(Object.prototype);
  });

  it.each([
    ["", "the document is empty"],
    ["{not json", "not valid JSON"],
    ["%7B%22Version%22%3A%E0%A4%A", "looks URL-encoded but is not valid URL encoding"],
    ["[]", "expected a policy object, got a list"],
    ['"*"', 'expected a policy object, got "*"'],
    ['{"Version":"2012-10-17"}', "Statement: required field is missing"],
    ['{"Statement":"Allow"}', 'Statement: expected an object or a list of objects, got "Allow"'],
    ['{"Statement":[{"Effect":"Allow","Action":"*"},7]}', "Statement[1]: expected a statement object, got number"],
    ['{"Statement":[{"Effect":"allow","Action":"*"}]}', 'Statement[0].Effect: expected "Allow" or "Deny", got "allow"'],
    ['{"Statement":{"Action":"*"}}', "Statement.Effect: required field is missing"],
    ['{"Statement":{"Effect":"Allow","Resource":"*"}}', "Statement: needs Action or NotAction"],
    ['{"Statement":{"Effect":"Allow","Action":"*","NotAction":"iam:*"}}', "Statement: has both Action and NotAction"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}}', "Statement: has both Resource and NotResource"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}}', "Statement: has both Principal and NotPrincipal"],
    ['{"Statement":[{"Effect":"Allow","Action":["s3:GetObject",7]}]}', "Statement[0].Action[1]: expected a string, got number"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Resource":{"arn":"x"}}}', "Statement.Resource: expected a string or a list of strings, got object"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::123456789012:root"}}', "Statement.Principal: expected \"*\" or an object"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Principal":{"AWS":[null]}}}', "Statement.Principal.AWS[0]: expected a string, got null"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":"x"}}}', "Statement.Condition.StringEquals: expected an object of condition keys"],
    ['{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":null}}}}', "Statement.Condition.StringEquals.aws:PrincipalAccount: expected a string, number or boolean, got null"],
    ['{"Version":7,"Statement":[]}', "Version: expected a string, got number"],
    ['{"Statement":{"Sid":1,"Effect":"Allow","Action":"*"}}', "Statement.Sid: expected a string, got number"],
  ])("rejects %s with PolicyParseError naming the problem", (input, message) => {
    expect(() => parsePolicy(input)).toThrow(PolicyParseError);
    expect(() => parsePolicy(input)).toThrow(message);
  });

  it.each([null, 42, ["Statement"]])("rejects a non-object input (%s)", (input) => {
    expect(() => parsePolicy(input)).toThrow(PolicyParseError);
  });

  it("keeps the JSON error as the cause", () => {
    const error = (() => {
      try {
        parsePolicy("{");
      } catch (caught) {
        return caught as PolicyParseError;
      }
    })();

    expect(error?.cause).toBeInstanceOf(SyntaxError);
  });
});
