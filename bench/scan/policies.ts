import type { Prng } from "./Prng.ts";
import { ACCOUNT, EXTERNAL_ACCOUNT, type World } from "./world.ts";

/**
 * Policy documents for the IAM writes, as CloudTrail logs them: a JSON string inside
 * requestParameters, compact from SDKs and Terraform, indented from the console. Most are
 * ordinary least-privilege grants; a few are the risky shapes Vigil's policy rules look for.
 */
export function permissionPolicy(prng: Prng, world: World): string {
  const bucket = prng.pick(world.buckets);
  const table = prng.pick(world.tables);
  const roll = prng.next();
  let statements: unknown[];
  if (roll < 0.3) {
    statements = [{ Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }];
  } else if (roll < 0.5) {
    statements = [
      { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/*` },
      { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${table}` },
    ];
  } else if (roll < 0.65) {
    statements = [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${prng.pick(world.kmsKeys)}` }];
  } else if (roll < 0.8) {
    statements = [{ Sid: "BucketAdmin", Effect: "Allow", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }];
  } else if (roll < 0.88) {
    statements = [{ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }];
  } else if (roll < 0.94) {
    statements = [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }];
  } else {
    statements = [{ Effect: "Allow", Action: "*", Resource: "*" }];
  }
  return render(prng, { Version: "2012-10-17", Statement: statements });
}

/** Role trust policies for UpdateAssumeRolePolicy: the account itself, a service, a partner account, OIDC, rarely anyone. */
export function trustPolicy(prng: Prng): string {
  const roll = prng.next();
  let statement: unknown;
  if (roll < 0.35) {
    statement = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" };
  } else if (roll < 0.6) {
    statement = { Effect: "Allow", Principal: { Service: prng.pick(["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]) }, Action: "sts:AssumeRole" };
  } else if (roll < 0.8) {
    statement = {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*:ref:refs/heads/main" } },
    };
  } else if (roll < 0.95) {
    statement = {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${EXTERNAL_ACCOUNT}:root` },
      Action: "sts:AssumeRole",
      ...(prng.chance(0.6) ? { Condition: { StringEquals: { "sts:ExternalId": prng.hex(24) } } } : {}),
    };
  } else {
    statement = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" };
  }
  return render(prng, { Version: "2012-10-17", Statement: [statement] });
}

function render(prng: Prng, document: unknown): string {
  return prng.chance(0.3) ? JSON.stringify(document, null, 4) : JSON.stringify(document);
}
