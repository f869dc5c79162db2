import { callAction, callOutcome, callResources, madeBy, identityOf, serviceOfSource } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

const action = (source: string, name: string) => {
  const mapped = callAction(source, name, actions);
  return mapped.kind === "iam" ? `${mapped.service}:${mapped.action}` : `not IAM: ${mapped.eventSource} ${mapped.eventName}`;
};

describe("callAction: the IAM action a recorded call needed", () => {
  it("takes the service from the endpoint and the action from the operation, checked against the catalogue", () => {
    expect(action("iam.amazonaws.com", "CreateUser")).toBe("iam:CreateUser");
    expect(action("sts.amazonaws.com", "GetCallerIdentity")).toBe("sts:GetCallerIdentity");
  });

  it("drops the API version Lambda and CloudFront append to operation names", () => {
    expect(action("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2")).toBe("lambda:UpdateFunctionConfiguration");
    expect(action("lambda.amazonaws.com", "ListFunctions20150331")).toBe("lambda:ListFunctions");
    expect(action("cloudfront.amazonaws.com", "CreateDistribution2020_05_31")).toBe("cloudfront:CreateDistribution");
  });

  it("knows where endpoint and prefix, or operation and action, differ", () => {
    expect(action("monitoring.amazonaws.com", "PutMetricAlarm")).toBe("cloudwatch:PutMetricAlarm");
    expect(action("email.amazonaws.com", "SendEmail")).toBe("ses:SendEmail");
    expect(action("streams.dynamodb.amazonaws.com", "GetRecords")).toBe("dynamodb:GetRecords");
    expect(action("s3.amazonaws.com", "ListBuckets")).toBe("s3:ListAllMyBuckets");
    expect(action("s3.amazonaws.com", "ListObjectsV2")).toBe("s3:ListBucket");
    expect(action("s3.amazonaws.com", "HeadObject")).toBe("s3:GetObject");
    expect(action("s3.amazonaws.com", "GetBucketEncryption")).toBe("s3:GetEncryptionConfiguration");
    expect(action("lambda.amazonaws.com", "Invoke")).toBe("lambda:InvokeFunction");
    expect(serviceOfSource("tagging.amazonaws.com")).toBe("tag");
  });

  it("maps a call named as its action to that action, for every action of the catalogue", () => {
    const wrong = actions
      .services()
      .flatMap((service) => (actions.actions(service) ?? []).map((name) => `${service}:${name}`))
      .filter((expected) => {
        const [service, name] = expected.split(":") as [string, string];
        return action(`${service}.amazonaws.com`, name) !== expected;
      });
    expect(wrong).toEqual([]);
  });

  it("calls no catalogue action matches are not IAM actions, never dropped or guessed", () => {
    expect(action("signin.amazonaws.com", "ConsoleLogin")).toBe("not IAM: signin.amazonaws.com ConsoleLogin");
    expect(action("madeup.amazonaws.com", "DoThing")).toBe("not IAM: madeup.amazonaws.com DoThing");
    expect(action("iam.amazonaws.com", "NoSuchOperation")).toBe("not IAM: iam.amazonaws.com NoSuchOperation");
  });
});

describe("callOutcome", () => {
  it("tells denials, by code or by AWS's message, from other failures", () => {
    expect(callOutcome(undefined, undefined)).toBe("success");
    for (const code of ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Client.UnauthorizedOperation", "UnauthorizedAccess"]) {
      expect(callOutcome(code, "")).toBe("denied");
    }
    expect(callOutcome("ValidationException", "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: x:Y")).toBe("denied");
    expect(callOutcome("NoSuchEntity", "The role with name x cannot be found.")).toBe("failed");
    expect(callOutcome("ThrottlingException", "Rate exceeded")).toBe("failed");
  });
});

describe("callResources", () => {
  const context = { partition: "aws", region: "eu-west-1", account: "111122223333" };

  it("builds ARNs from the request parameters of common services", () => {
    expect(callResources("iam", { requestParameters: { roleName: "deployer", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } }, context)).toEqual([
      "arn:aws:iam::111122223333:role/deployer",
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
    expect(callResources("s3", { requestParameters: { bucketName: "logs", key: "a/b.txt" } }, context)).toEqual(["arn:aws:s3:::logs", "arn:aws:s3:::logs/a/b.txt"]);
    expect(callResources("sqs", { requestParameters: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs" } }, context)).toEqual([
      "arn:aws:sqs:eu-west-1:111122223333:jobs",
    ]);
    expect(callResources("lambda", { requestParameters: { functionName: "arn:aws:lambda:eu-west-1:444455556666:function:f" } }, context)).toEqual([
      "arn:aws:lambda:eu-west-1:444455556666:function:f",
    ]);
    expect(callResources("ssm", { requestParameters: { names: ["/a/b", "c"] } }, context)).toEqual([
      "arn:aws:ssm:eu-west-1:111122223333:parameter/a/b",
      "arn:aws:ssm:eu-west-1:111122223333:parameter/c",
    ]);
    expect(callResources("kms", { requestParameters: { keyId: "alias/x" } }, context)).toEqual([]);
  });

  it("takes the record's own resources first, and ignores what is not an ARN", () => {
    const record = { resources: [{ ARN: "arn:aws:dynamodb:eu-west-1:111122223333:table/t" }, { ARN: 5 }, null], requestParameters: { tableName: "t" } };
    expect(callResources("dynamodb", record, context)).toEqual(["arn:aws:dynamodb:eu-west-1:111122223333:table/t"]);
  });
});

describe("madeBy", () => {
  const role = identityOf("arn:aws:iam::111122223333:role/app") as NonNullable<ReturnType<typeof identityOf>>;

  it("counts a role's sessions, by the session's ARN or its issuer, and nobody else", () => {
    expect(madeBy({ arn: "arn:aws:sts::111122223333:assumed-role/app/s-1" }, role)).toBe(true);
    expect(madeBy({ arn: "x", sessionContext: { sessionIssuer: { arn: "arn:aws:iam::111122223333:role/path/app" } } }, role)).toBe(true);
    expect(madeBy({ arn: "arn:aws:sts::111122223333:assumed-role/app2/s-1" }, role)).toBe(false);
    expect(madeBy({ arn: "arn:aws:sts::444455556666:assumed-role/app/s-1" }, role)).toBe(false);
    expect(madeBy({ arn: "arn:aws:iam::111122223333:user/app" }, role)).toBe(false);
    expect(madeBy(undefined, role)).toBe(false);
  });
});
