import { InputError, parseS3Url, trailPosition } from "@vigil/cloudtrail";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("Function: parseS3Url", () => {
  it("splits any valid bucket and prefix, ending the prefix in / so it names a folder", () => {
    const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,30}[a-z0-9]$/);
    const folder = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    fc.assert(
      fc.property(bucket, fc.array(folder, { maxLength: 6 }), fc.boolean(), (name, folders, slash) => {
        const prefix = folders.join("/");
        const parsed = parseS3Url(`s3://${name}${folders.length || slash ? "/" : ""}${prefix}${slash && folders.length ? "/" : ""}`);
        expect(parsed).toEqual({ bucket: name, prefix: folders.length ? `${prefix}/` : "" });
      }),
    );
  });

  it.each([
    ["s3://", '"" is not an S3 bucket name'],
    ["s3://My_Bucket/AWSLogs/", '"My_Bucket" is not an S3 bucket name'],
    ["s3://trail//AWSLogs/", "empty folder name"],
    ["https://trail/AWSLogs/", "expected s3://BUCKET[/PREFIX]"],
  ])("refuses %s, naming the URL", (url, message) => {
    expect(() => parseS3Url(url)).toThrow(InputError);
    expect(() => parseS3Url(url)).toThrow(`${url}: `);
    expect(() => parseS3Url(url)).toThrow(message);
  });
});

describe("Function: trailPosition", () => {
  const at = (prefix: string) => trailPosition({ bucket: "trail", prefix });

  it("reads where a prefix points in the organization and single-account layouts, behind any key prefix", () => {
    expect(at("")).toEqual({ logs: "AWSLogs/" });
    expect(at("security/")).toEqual({ logs: "security/AWSLogs/" });
    expect(at("AWSLogs/")).toEqual({ logs: "AWSLogs/" });
    expect(at("AWSLogs/o-a1b2c3d4e5/")).toEqual({ logs: "AWSLogs/", organization: "o-a1b2c3d4e5" });
    expect(at("security/AWSLogs/o-a1b2c3d4e5/111122223333/")).toEqual({ logs: "security/AWSLogs/", organization: "o-a1b2c3d4e5", account: "111122223333" });
    expect(at("AWSLogs/111122223333/CloudTrail/")).toEqual({ logs: "AWSLogs/", account: "111122223333" });
    expect(at("AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/")).toEqual({
      logs: "AWSLogs/",
      organization: "o-a1b2c3d4e5",
      account: "111122223333",
      region: "eu-west-1",
      date: "2026/11",
    });
    expect(at("AWSLogs/111122223333/CloudTrail/us-gov-west-1/2026/11/20/")).toMatchObject({ region: "us-gov-west-1", date: "2026/11/20" });
  });

  it.each([
    ["AWSLogs/elasticloadbalancing/", '"elasticloadbalancing" is not an organization or account id'],
    ["AWSLogs/o-a1b2c3d4e5/1111/", '"1111" is not an account id'],
    ["AWSLogs/111122223333/CloudTrail-Digest/", "CloudTrail-Digest/ holds no CloudTrail events"],
    ["AWSLogs/111122223333/vpcflowlogs/", '"vpcflowlogs" is not the CloudTrail folder'],
    ["AWSLogs/111122223333/CloudTrail/US-EAST-1/", '"US-EAST-1" is not a region'],
    ["AWSLogs/111122223333/CloudTrail/us-east-1/26/", '"26" is not a year (YYYY)'],
    ["AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/2/", '"2" is not a day (DD)'],
    ["AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/file.json.gz/", "give a folder, not a file"],
  ])("refuses %s", (prefix, message) => {
    expect(() => at(prefix)).toThrow(message);
  });
});
