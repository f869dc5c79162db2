/**
 * EventBridge's matching for the subset of pattern syntax the stacks emit: every key of the
 * pattern must be in the event; an object descends, a list holds the exact strings the event's
 * value may equal. Anything else (prefix, anything-but, numeric, exists) is outside the subset and
 * throws, so that a pattern using it cannot pass these tests by accident.
 */
export function matchesPattern(pattern: unknown, event: unknown, at = "$"): boolean {
  if (!isObject(pattern)) throw new Error(`${at}: a pattern level must be an object`);
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const here = `${at}.${key}`;
    if (!(key in event)) return false;
    const actual = event[key];
    if (Array.isArray(expected)) {
      if (!expected.every((value) => typeof value === "string")) throw new Error(`${here}: only lists of exact strings are supported`);
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => typeof value === "string" && expected.includes(value));
    }
    return matchesPattern(expected, actual, here);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
