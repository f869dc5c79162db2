/**
 * ARN templates as the Service Authorization Reference writes them, with `${Placeholder}` fields:
 * `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
 */

const PLACEHOLDER = /\$\{[^}]+\}/g;

/**
 * Could the ARN be one of the template's resources? A placeholder stands for any text without a
 * colon (slashes included: S3 keys, IAM paths, log group names), except a bucket name, which
 * keeps an object's ARN from passing for its bucket's.
 */
export function arnFitsTemplate(arn: string, template: string): boolean {
  let pattern = templatePatterns.get(template);
  if (!pattern) {
    const fields = template.match(PLACEHOLDER) ?? [];
    const source = template
      .split(PLACEHOLDER)
      .map((part) => part.replace(/[.*+?^$()[\]{}|\\]/g, "\\$&"))
      .reduce((joined, part, index) => (index === 0 ? part : joined + placeholderPattern(fields[index - 1] as string) + part), "");
    templatePatterns.set(template, (pattern = new RegExp(`^${source}$`)));
  }
  return pattern.test(arn);
}

/** Templates compiled once: the catalogue has a few thousand, and every call is checked against its action's. */
const templatePatterns = new Map<string, RegExp>();

function placeholderPattern(placeholder: string): string {
  return placeholder === "${BucketName}" ? "[^:/]*" : "[^:]*";
}

/** Where an account's resources live: the parts of an ARN a least-privilege pattern may pin. */
export interface ArnScope {
  partition: string;
  /** Undefined when the calls were seen in more than one region (or none): the pattern keeps `*`. */
  region: string | undefined;
  account: string;
}

/**
 * The template narrowed to one account: partition, region and account filled in, every other
 * placeholder `*`. `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}` gives
 * `arn:aws:lambda:eu-west-1:111122223333:function:*`. Fields a template leaves empty (S3's region
 * and account) stay empty.
 */
export function scopedPattern(template: string, scope: ArnScope): string {
  return template.replace(PLACEHOLDER, (placeholder) => {
    switch (placeholder) {
      case "${Partition}":
        return scope.partition;
      case "${Region}":
        return scope.region ?? "*";
      case "${Account}":
        return scope.account;
      default:
        return "*";
    }
  });
}
