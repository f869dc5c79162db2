import { formatReference, type Reference } from "@vigil/core";

/** `CIS 4.3 Ensure usage of 'root' account is monitored`. */
export function describeReference(reference: Reference): string {
  return `${formatReference(reference)} ${reference.title}`;
}
