import { allowRestriction, type ConditionBlock, denyPerimeter } from "@vigil/core";
import { describe, expect, it } from "vitest";

const one = (operator: string, key: string, ...values: string[]): ConditionBlock => ({ [operator]: { [key]: values } });

describe("Function: allowRestriction", () => {
  it.each([
    ["StringEquals aws:PrincipalAccount", one("StringEquals", "aws:PrincipalAccount", "444455556666"), ["444455556666"]],
    ["StringEquals on two accounts", one("StringEquals", "aws:PrincipalAccount", "444455556666", "555566667777"), ["444455556666", "555566667777"]],
    ["StringEquals aws:PrincipalOrgID", one("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"), []],
    ["StringLike aws:PrincipalOrgPaths under one org", one("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"), []],
    ["ArnLike aws:PrincipalArn with a concrete account", one("ArnLike", "aws:PrincipalArn", "arn:aws:iam::444455556666:role/deploy-*"), ["444455556666"]],
    ["ArnEquals aws:SourceArn of a bucket", one("ArnEquals", "aws:SourceArn", "arn:aws:s3:::example-logs"), []],
    ["StringEquals aws:SourceAccount", one("StringEquals", "aws:SourceAccount", "111122223333"), ["111122223333"]],
    ["an operator written in another case", one("stringequals", "AWS:PrincipalAccount", "444455556666"), ["444455556666"]],
  ])("restricts: %s", (_name, condition, accounts) => {
    expect(allowRestriction(condition)?.accounts).toEqual(accounts);
  });

  it.each([
    ["no condition", undefined],
    ["sts:ExternalId", one("StringEquals", "sts:ExternalId", "vendor-7731")],
    ["aws:SourceIp", one("IpAddress", "aws:SourceIp", "203.0.113.0/24")],
    ["a principal tag", one("StringEquals", "aws:PrincipalTag/team", "platform")],
    ["StringLike *", one("StringLike", "aws:PrincipalAccount", "*")],
    ["StringLike with ? in the account", one("StringLike", "aws:PrincipalAccount", "44445555666?")],
    ["one concrete value and one *", one("StringLike", "aws:PrincipalAccount", "444455556666", "*")],
    ["ArnLike with a wildcard account", one("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Admin")],
    ["ArnLike arn:aws:s3:::*", one("ArnLike", "aws:SourceArn", "arn:aws:s3:::*")],
    ["a wildcard organization", one("StringLike", "aws:PrincipalOrgID", "o-*")],
    ["...IfExists", one("StringEqualsIfExists", "aws:PrincipalAccount", "444455556666")],
    ["ForAllValues:", one("ForAllValues:StringEquals", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/")],
    ["a negated operator", one("StringNotEquals", "aws:PrincipalAccount", "444455556666")],
    ["Null", one("Null", "aws:PrincipalAccount", "false")],
    ["a value that is no ARN", one("ArnEquals", "aws:PrincipalArn", "Admin")],
  ])("does not restrict: %s", (_name, condition) => {
    expect(allowRestriction(condition)).toBeUndefined();
  });

  it("takes one restricting entry among others (entries are ANDed)", () => {
    const condition: ConditionBlock = { StringEquals: { "sts:ExternalId": ["x"], "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] }, Bool: { "aws:SecureTransport": ["true"] } };

    expect(allowRestriction(condition)).toEqual({ keys: ["aws:PrincipalOrgID"], accounts: [], organizations: ["o-a1b2c3d4e5"] });
  });

  it.each([
    ["StringEquals aws:PrincipalOrgID", one("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"), ["o-a1b2c3d4e5"]],
    ["two organizations (values are ORed)", one("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5", "o-f9e8d7c6b5"), ["o-a1b2c3d4e5", "o-f9e8d7c6b5"]],
    ["aws:PrincipalOrgPaths, from the path's first part", one("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-f9e8d7c6b5/r-zz99/ou-zz99-22222222/*"), ["o-f9e8d7c6b5"]],
    ["aws:SourceOrgID", one("StringEquals", "aws:SourceOrgID", "o-f9e8d7c6b5"), ["o-f9e8d7c6b5"]],
    ["aws:SourceOrgPaths", one("StringLike", "aws:SourceOrgPaths", "o-f9e8d7c6b5/*"), ["o-f9e8d7c6b5"]],
    ["an id written in upper case, as Organizations writes it", one("StringEqualsIgnoreCase", "aws:PrincipalOrgID", "O-F9E8D7C6B5"), ["o-f9e8d7c6b5"]],
    ["a value no organization id has: restricts, names none", one("StringEquals", "aws:PrincipalOrgID", "example-org"), []],
  ])("names the organizations of %s", (_name, condition, organizations) => {
    const restriction = allowRestriction(condition);

    expect(restriction?.organizations).toEqual(organizations);
    expect(restriction?.accounts).toEqual([]);
  });
});

describe("Function: denyPerimeter", () => {
  it.each([
    ["StringNotEquals aws:PrincipalOrgID", one("StringNotEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"), []],
    ["StringNotEqualsIfExists aws:PrincipalAccount", one("StringNotEqualsIfExists", "aws:PrincipalAccount", "111122223333"), ["111122223333"]],
    ["ArnNotLike aws:PrincipalArn", one("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*"), ["111122223333"]],
  ])("fences in: %s", (_name, condition, accounts) => {
    expect(denyPerimeter(condition)?.accounts).toEqual(accounts);
  });

  it("spares the organization a negated aws:PrincipalOrgID entry names", () => {
    expect(denyPerimeter(one("StringNotEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"))).toEqual({ keys: ["aws:PrincipalOrgID"], accounts: [], organizations: ["o-a1b2c3d4e5"] });
  });

  it.each([
    ["no condition", undefined],
    ["a positive operator", one("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5")],
    ["a wildcard value", one("StringNotLike", "aws:PrincipalOrgID", "o-*")],
    ["a key the caller controls", one("StringNotEquals", "sts:ExternalId", "x")],
    ["two entries", { StringNotEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] }, Bool: { "aws:SecureTransport": ["true"] } }],
  ])("does not fence in: %s", (_name, condition) => {
    expect(denyPerimeter(condition)).toBeUndefined();
  });
});
