import { S3ServiceException } from "@aws-sdk/client-s3";
import { describeS3Error } from "@vigil/cloudtrail";
import { describe, expect, it } from "vitest";

/** An error as the SDK throws it for an S3 error response: the code as its name, the status in $metadata. */
const s3Error = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: status < 500 ? "client" : "server", $metadata: { httpStatusCode: status }, message });

describe("Function: describeS3Error", () => {
  it.each([
    [
      "a GetObject on an SSE-KMS object whose key the caller may not use",
      s3Error("AccessDenied", 403, "User: arn:aws:sts::999988887777:assumed-role/Auditor/cli is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:999988887777:key/1234abcd"),
      /^access denied by KMS: the object is encrypted with a KMS key the caller may not use for kms:Decrypt \(User: .* kms:Decrypt on resource: arn:aws:kms:/,
    ],
    ["a KMS key that is disabled", s3Error("KMS.DisabledException", 400, "arn:aws:kms:us-east-1:999988887777:key/1234abcd is disabled."), /^KMS refused to decrypt it \(KMS\.DisabledException\): .*is disabled\.$/],
    ["KMS.AccessDeniedException", s3Error("KMS.AccessDeniedException", 403, "denied"), /^KMS refused to decrypt it \(KMS\.AccessDeniedException\): denied$/],
    ["a bucket policy's deny", s3Error("AccessDenied", 403, "Access Denied"), /^access denied \(s3:GetObject refused: Access Denied\)$/],
    ["a 403 without a body (a HEAD, a presigned URL)", s3Error("Forbidden", 403, ""), /^access denied \(s3:GetObject refused\)$/],
    ["an object a lifecycle rule moved to Glacier", s3Error("InvalidObjectState", 403, "The operation is not valid for the object's storage class"), /^archived in a Glacier storage class: restore it before scanning$/],
    ["an object deleted after it was listed", s3Error("NoSuchKey", 404, "The specified key does not exist."), /^gone: deleted after it was listed$/],
    ["throttling that outlasted the retries", s3Error("SlowDown", 503, "Please reduce your request rate."), /^SlowDown \(HTTP 503\): Please reduce your request rate\.$/],
    ["a server that cannot be reached", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), /^cannot reach S3 \(ECONNREFUSED\): connect ECONNREFUSED/],
  ])("explains %s", (_case, error, expected) => {
    expect(describeS3Error(error, "s3:GetObject")).toMatch(expected);
  });

  it("names the permission of the request that was refused", () => {
    expect(describeS3Error(s3Error("AccessDenied", 403, "Access Denied"), "s3:ListBucket")).toBe("access denied (s3:ListBucket refused: Access Denied)");
  });
});
