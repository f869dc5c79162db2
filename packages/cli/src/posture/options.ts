import * as z from "zod";
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
