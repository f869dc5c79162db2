import type { ItemFilter, Partition } from "./FindingQuery.ts";
import { SUPPRESSED_UNTIL_ATTRIBUTE } from "./history.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

/** A DynamoDB expression with the names and values it uses (DynamoDB rejects any it does not use). */
export interface Expression {
  text: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The instant a read is judged at: epoch seconds for retention (`expiresAt`), ISO for suppression expiry. */
export interface ReadClock {
  seconds: number;
  iso: string;
}

/** Not past its retention (needs `#expiresAt` and `:now`). */
export const LIVE = "attribute_not_exists(#expiresAt) OR #expiresAt > :now";

const EXPIRED_SUPPRESSION = "#until <= :nowIso";
const RUNNING_SUPPRESSION = "(attribute_not_exists(#until) OR #until > :nowIso)";

/**
 * The FilterExpression of a list or count: unexpired, and every item filter. Filters name the
 * finding's own attributes (`status`, `severity`, ...), never the index key copies, which DynamoDB
 * does not allow in a filter of the index that has them as keys.
 */
export function filterExpression(filters: readonly ItemFilter[], now: ReadClock): Expression {
  const names: Record<string, string> = { "#expiresAt": EXPIRES_AT_ATTRIBUTE };
  const values: Record<string, unknown> = { ":now": now.seconds };
  const terms = [`(${LIVE})`];
  const useSuppression = () => {
    names["#until"] = SUPPRESSED_UNTIL_ATTRIBUTE;
    values[":nowIso"] = now.iso;
  };
  for (const filter of filters) {
    switch (filter.kind) {
      case "status":
        names["#status"] = "status";
        if (filter.status === "open" || filter.status === "suppressed") {
          useSuppression();
          values[":suppressed"] = "suppressed";
          if (filter.status === "open") {
            values[":open"] = "open";
            terms.push(`(#status = :open OR (#status = :suppressed AND ${EXPIRED_SUPPRESSION}))`);
          } else {
            terms.push(`(#status = :suppressed AND ${RUNNING_SUPPRESSION})`);
          }
        } else {
          values[":status"] = filter.status;
          terms.push("#status = :status");
        }
        break;
      case "severity": {
        names["#severity"] = "severity";
        const placeholders = filter.severities.map((severity, index) => {
          values[`:severity${index}`] = severity;
          return `:severity${index}`;
        });
        terms.push(`#severity IN (${placeholders.join(", ")})`);
        break;
      }
      case "field":
        names[`#${filter.field}`] = filter.field;
        values[`:${filter.field}`] = filter.value;
        terms.push(`#${filter.field} = :${filter.field}`);
        break;
      case "ou":
        // Each id in a path is between slashes (`o-.../r-ab12/ou-ab12-11111111/`), so a shorter id never matches inside a longer one.
        names["#ouPath"] = "ouPath";
        values[":ou"] = `/${filter.id}/`;
        terms.push("contains(#ouPath, :ou)");
        break;
      case "suppression":
        useSuppression();
        terms.push(filter.expired ? EXPIRED_SUPPRESSION : RUNNING_SUPPRESSION);
        break;
    }
  }
  return { text: terms.join(" AND "), names, values };
}

/**
 * The KeyConditionExpression of one partition between two inclusive sort key bounds; undefined
 * when the bounds leave nothing (DynamoDB refuses a BETWEEN whose bounds are the wrong way round).
 */
export function keyCondition(partition: Partition, lowerKey: string | undefined, upperKey: string | undefined): Expression | undefined {
  const names: Record<string, string> = { "#pk": partition.keyAttribute };
  const values: Record<string, unknown> = { ":pk": partition.value };
  if (lowerKey === undefined && upperKey === undefined) return { text: "#pk = :pk", names, values };
  names["#sk"] = KEY_ATTRIBUTES.time;
  if (lowerKey !== undefined && upperKey !== undefined) {
    if (lowerKey > upperKey) return undefined;
    return { text: "#pk = :pk AND #sk BETWEEN :lower AND :upper", names, values: { ...values, ":lower": lowerKey, ":upper": upperKey } };
  }
  return lowerKey !== undefined
    ? { text: "#pk = :pk AND #sk >= :lower", names, values: { ...values, ":lower": lowerKey } }
    : { text: "#pk = :pk AND #sk <= :upper", names, values: { ...values, ":upper": upperKey } };
}
