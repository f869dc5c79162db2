import * as z from "zod";
import { DEFAULT_AUDIT_ROLE_NAME } from "@vigil/monitor";
import { UsageError } from "../errors.ts";

const instant = z.iso.datetime({ offset: true });

/** --now: the instant every age is measured from, so a run over the same files is reproducible. */
export function nowOption(text: string | undefined): Date {
  if (text === undefined) return new Date();
  if (!instant.safeParse(text).success) throw new UsageError(`--now: expected an ISO 8601 time such as 2026-11-22T12:00:00Z, got "${text}"`);
  return new Date(text);
}

export function regionOption(text: string | undefined): string | undefined {
  if (text !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(text)) throw new UsageError(`--region: expected an AWS region such as us-east-1, got "${text}"`);
  return text;
}

/** --role-name: the role --organization assumes in each account. */
export function roleNameOption(text: string | undefined): string {
  if (text === undefined) return DEFAULT_AUDIT_ROLE_NAME;
  if (!/^[\w+=,.@-]{1,64}$/.test(text)) throw new UsageError(`--role-name: expected an IAM role name, got "${text}"`);
  return text;
}

/** --concurrency: accounts --organization reads at once, within the bounds of the deployed setting. */
export function concurrencyOption(text: string | undefined): number {
  if (text === undefined) return 10;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 100) throw new UsageError(`--concurrency: expected a whole number from 1 to 100, got "${text}"`);
  return value;
}
