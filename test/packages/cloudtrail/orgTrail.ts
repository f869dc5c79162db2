import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { FIXTURES, REAL_CLOUDTRAIL } from "../../helpers/fixtures.ts";

/**
 * A small CloudTrail archive as an organization trail delivers it to S3, built from real records:
 * each log file holds a slice of the OTRF dataset's 103 real records (read-only noise, quiet) and
 * two records that make findings (a root sign-in without MFA, an IAM user created), rewritten to
 * the file's account, region and time with an event id of their own, so each file read shows in
 * the findings. Beside the organization's accounts, one single-account trail writes to the same
 * bucket, as happens while a company moves to an organization trail.
 */
export const ORG = "o-a1b2c3d4e5";
export const ORG_ACCOUNTS = ["111122223333", "444455556666", "777788889999"] as const;
export const SINGLE_ACCOUNT = "222233334444";
export const REGIONS = ["eu-west-1", "us-east-1"] as const;
export const DAYS = ["2026/11/18", "2026/11/19", "2026/11/20"] as const;
/** Two deliveries a day: early and late, so a --since/--until inside a day keeps one of them. */
export const DELIVERY_TIMES = ["0835", "2355"] as const;

export interface TrailFile {
  key: string;
  body: Buffer;
}

const real = (JSON.parse(readFileSync(join(REAL_CLOUDTRAIL, "otrf-ec2-proxy-s3-exfiltration.json"), "utf8")) as { Records: unknown[] }).Records;
const template = (file: string) => readFileSync(join(FIXTURES, file), "utf8");
const ROOT_LOGIN = template("rules/root-console-login/positive-without-mfa.json");
const CREATE_USER = template("rules/iam-user-created/positive-by-access-key.json");

function folderOf(account: string): string {
  return account === SINGLE_ACCOUNT ? `AWSLogs/${account}` : `AWSLogs/${ORG}/${account}`;
}

/** The key CloudTrail gives a log file: `<folder>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz`. */
export function logKey(account: string, region: string, day: string, time: string): string {
  return `${folderOf(account)}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${day.replaceAll("/", "")}T${time}Z_Ab${account.slice(0, 4)}${time}.json.gz`;
}

/** One gzip log file: real noise plus the two finding-making records, placed in this account, region and time. */
export function logFile(account: string, region: string, day: string, time: string, salt = ""): Buffer {
  const eventTime = `${day.replaceAll("/", "-")}T${time.slice(0, 2)}:${String(Number(time.slice(2)) - 21).padStart(2, "0")}:09Z`;
  const place = (text: string, kind: string) => {
    const record = (JSON.parse(text.replaceAll("111122223333", account)) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;
    return { ...record, eventID: `${kind}-${account}-${region}-${day.replaceAll("/", "")}-${time}${salt}`, eventTime, awsRegion: region };
  };
  const offset = (Number(account.slice(0, 3)) + day.charCodeAt(9) + time.charCodeAt(0)) % 90;
  const records = [...real.slice(offset, offset + 12), place(ROOT_LOGIN, "root"), place(CREATE_USER, "user")];
  return gzipSync(JSON.stringify({ Records: records }));
}

/** Every log file of the archive: the organization's accounts and the single-account trail, both regions, three days, two deliveries each. */
export function trailLogFiles(): TrailFile[] {
  const files: TrailFile[] = [];
  for (const account of [...ORG_ACCOUNTS, SINGLE_ACCOUNT]) {
    for (const region of REGIONS) {
      for (const day of DAYS) {
        for (const time of DELIVERY_TIMES) files.push({ key: logKey(account, region, day, time), body: logFile(account, region, day, time) });
      }
    }
  }
  return files;
}

/** Files a trail writes beside its logs that hold no events Vigil reads: digests (with the layout's real names) and Insights. */
export function trailSideFiles(): TrailFile[] {
  const [account] = ORG_ACCOUNTS;
  const digest = {
    awsAccountId: account,
    digestStartTime: "2026-11-20T07:00:00Z",
    digestEndTime: "2026-11-20T08:00:00Z",
    digestS3Bucket: "org-trail",
    digestS3Object: `${folderOf(account)}/CloudTrail-Digest/us-east-1/2026/11/20/${account}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261120T080000Z.json.gz`,
    logFiles: [],
  };
  const insight = {
    Records: [
      {
        eventVersion: "1.08",
        eventTime: "2026-11-20T08:00:00Z",
        awsRegion: "us-east-1",
        eventID: "insight-1",
        eventType: "AwsCloudTrailInsight",
        recipientAccountId: account,
        sharedEventID: "shared-1",
        insightDetails: { state: "Start", eventSource: "iam.amazonaws.com", eventName: "CreateUser", insightType: "ApiCallRateInsight" },
        eventCategory: "Insight",
      },
    ],
  };
  return [
    { key: digest.digestS3Object, body: gzipSync(JSON.stringify(digest)) },
    {
      key: `${folderOf(account)}/CloudTrail-Insight/us-east-1/2026/11/20/${account}_CloudTrail-Insight_us-east-1_20261120T0810Z_Insight1.json.gz`,
      body: gzipSync(JSON.stringify(insight)),
    },
  ];
}

/** Writes files under `root` at their keys, as `aws s3 sync` would. */
export function writeTrail(root: string, files: readonly TrailFile[]): void {
  for (const { key, body } of files) {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), body);
  }
}
