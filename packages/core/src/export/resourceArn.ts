/** ASFF's resource types for what Vigil's findings are about; anything else is `Other`. */
export type AsffResourceType = "AwsIamUser" | "AwsIamRole" | "AwsIamPolicy" | "AwsIamAccessKey" | "AwsIamGroup" | "AwsAccount" | "Other";

export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

export interface DescribedResource {
  /** The ARN, or the identifier itself when the resource has no ARN (an access key id, an Identity Center directory). */
  id: string;
  asffType: AsffResourceType;
  /** The CloudFormation-style type (`AWS::IAM::User`), which OCSF readers such as Security Lake use; `Other` when unknown. */
  typeName: string;
  partition: AwsPartition;
  /** The ARN's region, or the finding's for global resources (IAM's ARNs have none). */
  region: string;
  /** The last part of the ARN's resource (a user's name), when it has one. */
  name?: string;
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;
const ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const IAM_TYPES: Record<string, [AsffResourceType, string]> = {
  user: ["AwsIamUser", "AWS::IAM::User"],
  role: ["AwsIamRole", "AWS::IAM::Role"],
  policy: ["AwsIamPolicy", "AWS::IAM::ManagedPolicy"],
  group: ["AwsIamGroup", "AWS::IAM::Group"],
};

/** The partition a region belongs to (China and GovCloud have their own). */
export function partitionOf(region: string): AwsPartition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** What a finding's resource is, read from its ARN; the finding's region stands in where the ARN has none. */
export function describeResource(resource: string, findingRegion: string): DescribedResource {
  const match = ARN.exec(resource);
  if (!match) {
    const accessKey = ACCESS_KEY_ID.test(resource);
    return {
      id: resource,
      asffType: accessKey ? "AwsIamAccessKey" : "Other",
      typeName: accessKey ? "AWS::IAM::AccessKey" : "Other",
      partition: partitionOf(findingRegion),
      region: findingRegion,
    };
  }
  const [, partition, service, region, , rest] = match as unknown as [string, AwsPartition, string, string, string, string];
  const slash = rest.indexOf("/");
  const kind = slash < 0 ? rest : rest.slice(0, slash);
  const [asffType, typeName]: [AsffResourceType, string] =
    service === "iam" && rest === "root" ? ["AwsAccount", "AWS::::Account"] : service === "iam" ? (IAM_TYPES[kind] ?? ["Other", "Other"]) : ["Other", "Other"];
  const name = slash < 0 ? undefined : rest.slice(rest.lastIndexOf("/") + 1) || undefined;
  return { id: resource, asffType, typeName, partition, region: region || findingRegion, ...(name ? { name } : {}) };
}
