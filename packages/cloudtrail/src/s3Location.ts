import { InputError } from "./errors.ts";
import { ACCOUNT_ID, EVENTS_FOLDER, LOGS_FOLDER, ORGANIZATION_ID, REGION } from "./trailLayout.ts";

/** A bucket and a key prefix: empty (the bucket's root) or ending in `/`. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/**
 * Where in the trail layout a prefix points. `logs` is the key prefix ending in `AWSLogs/`; the
 * rest is what the prefix fixes below it, each part checked against the layout.
 */
export interface TrailPosition {
  logs: string;
  organization?: string;
  account?: string;
  region?: string;
  /** `YYYY`, `YYYY/MM` or `YYYY/MM/DD`: the prefix pins the scan inside that period. */
  date?: string;
}

export function isS3Url(text: string): boolean {
  return text.toLowerCase().startsWith("s3://");
}

// S3's rules for new buckets: 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket[/prefix]` → its bucket and prefix (with a trailing `/` added); InputError naming the URL otherwise. */
export function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) throw new InputError(url, "expected s3://BUCKET[/PREFIX]");
  const rest = url.slice("s3://".length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? "" : rest.slice(slash + 1);
  if (!BUCKET.test(bucket)) throw new InputError(url, `"${bucket}" is not an S3 bucket name`);
  if (key.split("/").slice(0, -1).includes("") || key.startsWith("/")) throw new InputError(url, "the prefix has an empty folder name (//)");
  return { bucket, prefix: key === "" || key.endsWith("/") ? key : `${key}/` };
}

/**
 * Reads a prefix as a place in the trail layout. A prefix without `AWSLogs` is the trail's own key
 * prefix (or the bucket's root), under which `AWSLogs/` lies.
 */
export function trailPosition(location: S3Location): TrailPosition {
  const url = `s3://${location.bucket}/${location.prefix}`;
  const folders = location.prefix.split("/").slice(0, -1);
  const at = folders.lastIndexOf(LOGS_FOLDER);
  if (at === -1) return { logs: `${location.prefix}${LOGS_FOLDER}/` };
  const position: TrailPosition = { logs: `${folders.slice(0, at + 1).join("/")}/` };
  const below = folders.slice(at + 1);
  let next = 0;
  const refuse = (what: string): never => {
    throw new InputError(url, `"${below[next]}" is not ${what} (expected ${LOGS_FOLDER}/[o-ORG/]ACCOUNT/${EVENTS_FOLDER}/REGION/YYYY/MM/DD/)`);
  };
  if (next < below.length && ORGANIZATION_ID.test(below[next] as string)) position.organization = below[next++];
  if (next < below.length) {
    if (!ACCOUNT_ID.test(below[next] as string)) refuse(position.organization ? "an account id" : "an organization or account id");
    position.account = below[next++];
  }
  if (next < below.length) {
    if (below[next] !== EVENTS_FOLDER) {
      if ((below[next] as string).startsWith(`${EVENTS_FOLDER}-`)) throw new InputError(url, `${below[next]}/ holds no CloudTrail events; give the ${EVENTS_FOLDER}/ folder or above`);
      refuse(`the ${EVENTS_FOLDER} folder`);
    }
    next++;
  }
  if (next < below.length) {
    if (!REGION.test(below[next] as string)) refuse("a region");
    position.region = below[next++];
  }
  const date = below.slice(next);
  if (date.length > 3) throw new InputError(url, "the prefix goes below a day folder; give a folder, not a file");
  const dateParts = [/^\d{4}$/, /^\d{2}$/, /^\d{2}$/];
  const names = ["a year (YYYY)", "a month (MM)", "a day (DD)"];
  for (const [index, part] of date.entries()) {
    if (!(dateParts[index] as RegExp).test(part)) {
      next += index;
      refuse(names[index] as string);
    }
  }
  if (date.length > 0) position.date = date.join("/");
  return position;
}
