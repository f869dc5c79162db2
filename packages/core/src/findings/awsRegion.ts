const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether the text is shaped as an AWS region name (eu-west-1, us-gov-west-1), before it goes into a host or an ARN. */
export function isAwsRegion(text: string): boolean {
  return REGION.test(text);
}
