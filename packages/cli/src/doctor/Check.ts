/**
 * One line of the doctor's answer. `unchecked` is kept apart from `problem`: a check the caller's
 * credentials could not make says nothing about the deployment, and the doctor must not pretend.
 */
export type CheckStatus = "ok" | "warning" | "problem" | "unchecked";

/** The groups the report prints, in this order. */
export const AREAS = ["Stacks", "Notifications", "Organization"] as const;
export type Area = (typeof AREAS)[number];

export interface Check {
  area: Area;
  status: CheckStatus;
  /** What was checked: a stack and region, a topic, an account. */
  subject: string;
  /** What was found, in words. */
  detail: string;
  /** What to do about it, when something is to be done. */
  action?: string;
}

export function check(area: Area, status: CheckStatus, subject: string, detail: string, action?: string): Check {
  return action === undefined ? { area, status, subject, detail } : { area, status, subject, detail, action };
}
