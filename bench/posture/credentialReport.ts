import { CREDENTIAL_REPORT_COLUMNS } from "@vigil/core";
import { Prng } from "../scan/Prng.ts";

export const ACCOUNT = "111122223333";
/** The instant the report is generated at and the checks measure ages from. */
export const REPORT_TIME = new Date("2026-11-22T12:00:00Z");

const DAY = 86_400_000;
const REGIONS = ["us-east-1", "us-east-1", "us-east-1", "eu-west-1", "eu-central-1", "us-west-2", "ap-southeast-2"];
const SERVICES = ["s3", "sts", "ec2", "dynamodb", "lambda", "sqs", "cloudformation", "ecr", "logs", "kms"];
const FIRST = ["ana", "ben", "chen", "dana", "eli", "fatima", "goran", "hana", "ivan", "jo", "kai", "lena", "mo", "nia", "omar", "pia", "quinn", "ravi", "sara", "tom"];
const TEAMS = ["ci", "etl", "backup", "deploy", "metrics", "sync", "export", "scanner"];

/**
 * A credential report of `users` IAM users (plus root), as GetCredentialReport's decoded CSV, with the
 * mix a large account has: about a third people with console passwords (most with MFA, some idle or
 * never signed in), the rest service users under `/automation/`; most with an access key, some with
 * two, keys from days to years old, some inactive, some never used, some made with the user at setup.
 * Seeded, so the same `users` gives the same bytes.
 */
export function generateCredentialReport(users: number, seed = 20261122): string {
  const prng = new Prng(seed);
  // Whole seconds with +00:00, as the report writes its times.
  const at = (daysAgo: number) => reportTime(REPORT_TIME.getTime() - daysAgo * DAY - prng.int(86_400) * 1000);
  const rows = [CREDENTIAL_REPORT_COLUMNS.join(",")];
  rows.push(
    [
      "<root_account>", `arn:aws:iam::${ACCOUNT}:root`, at(2400), "not_supported", at(prng.between(20, 400)), "not_supported", "not_supported", "true",
      "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A",
    ].join(","),
  );
  for (let index = 0; index < users; index++) {
    const person = prng.chance(0.35);
    const name = person ? `${prng.pick(FIRST)}.${index}` : `${prng.pick(TEAMS)}-${index}`;
    const arn = `arn:aws:iam::${ACCOUNT}:user/${person ? "" : "automation/"}${name}`;
    const createdDaysAgo = prng.between(1, 2300);
    const created = at(createdDaysAgo);
    const password = person ? consolePassword(prng, at, createdDaysAgo) : ["false", "N/A", "N/A", "N/A"];
    const mfa = person && prng.chance(0.8) ? "true" : "false";
    const keyCount = prng.chance(person ? 0.4 : 0.9) ? (prng.chance(0.15) ? 2 : 1) : 0;
    const keys = [0, 1].map((slot) => (slot < keyCount ? accessKey(prng, at, created, createdDaysAgo) : ["false", "N/A", "N/A", "N/A", "N/A"]));
    const cert = prng.chance(0.01) ? ["true", at(prng.between(1, createdDaysAgo))] : ["false", "N/A"];
    rows.push([name, arn, created, ...password, mfa, ...keys.flat(), ...cert, "false", "N/A"].join(","));
  }
  return `${rows.join("\n")}\n`;
}

function reportTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** password_enabled, _last_used, _last_changed, _next_rotation for a person. */
function consolePassword(prng: Prng, at: (daysAgo: number) => string, createdDaysAgo: number): string[] {
  if (prng.chance(0.1)) return ["false", "N/A", "N/A", "N/A"];
  const changedDaysAgo = prng.between(0, createdDaysAgo);
  const roll = prng.next();
  const lastUsed =
    roll < 0.6 ? at(prng.between(0, Math.min(30, changedDaysAgo))) : roll < 0.85 ? at(prng.between(0, Math.min(120, changedDaysAgo))) : roll < 0.95 ? at(prng.between(0, changedDaysAgo)) : "no_information";
  return ["true", lastUsed, at(changedDaysAgo), "N/A"];
}

/** active, last_rotated, last_used_date, _region, _service of one key slot. */
function accessKey(prng: Prng, at: (daysAgo: number) => string, created: string, createdDaysAgo: number): string[] {
  const atSetup = prng.chance(0.2);
  // Keys made at setup keep the user's age; the others were made or rotated since, a good share within the 90 days CIS asks for.
  const rotatedDaysAgo = atSetup ? createdDaysAgo : prng.between(0, prng.chance(0.4) ? Math.min(90, createdDaysAgo) : createdDaysAgo);
  const rotated = atSetup ? reportTime(Date.parse(created) + prng.between(1, 10) * 60_000) : at(rotatedDaysAgo);
  const active = prng.chance(0.9) ? "true" : "false";
  if (prng.chance(0.15)) return [active, rotated, "N/A", "N/A", "N/A"];
  const usedDaysAgo = prng.chance(0.75) ? prng.between(0, Math.min(7, rotatedDaysAgo)) : prng.between(0, rotatedDaysAgo);
  return [active, rotated, at(usedDaysAgo), prng.pick(REGIONS), prng.pick(SERVICES)];
}
