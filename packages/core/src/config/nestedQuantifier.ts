/**
 * Whether a regular expression repeats, without bound, a group that itself repeats without bound
 * (`(a+)+`, `(\w*x)*`, `(?:ab+){2,}`): the shape that makes a backtracking engine take
 * exponential time on a near-miss (`^(a+)+$` against 31 `a`s and a `b` stalls a scan for tens of
 * seconds). A configuration pattern runs against every matching event, so such a pattern is
 * refused rather than run. Alternation under a repeat (`(a|a)*`) is not detected: a heuristic,
 * the one ReDoS checkers call star height.
 */
export function hasNestedQuantifier(source: string): boolean {
  // One frame per open group: whether something inside it repeats without bound.
  const outer: boolean[] = [];
  let unboundedInside = false;
  // A quantifier right after a group's `)` was judged with the group.
  let afterGroup = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index] as string;
    const quantifier = quantifierAt(source, index);
    if (quantifier !== undefined) {
      if (quantifier === "unbounded" && !afterGroup) unboundedInside = true;
      afterGroup = false;
      continue;
    }
    afterGroup = false;
    if (char === "\\") index++;
    else if (char === "[") index = classEnd(source, index);
    else if (char === "(") {
      outer.push(unboundedInside);
      unboundedInside = false;
    } else if (char === ")") {
      const inner: boolean = unboundedInside;
      if (quantifierAt(source, index + 1) === "unbounded" && inner) return true;
      unboundedInside = (outer.pop() ?? false) || inner || quantifierAt(source, index + 1) === "unbounded";
      afterGroup = true;
    }
  }
  return false;
}

/** The quantifier starting at `index`: unbounded (`*`, `+`, `{n,}`), bounded, or none. */
function quantifierAt(source: string, index: number): "unbounded" | "bounded" | undefined {
  const char = source[index];
  if (char === "*" || char === "+") return "unbounded";
  if (char === "?") return "bounded";
  if (char !== "{") return undefined;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(index));
  if (!match) return undefined;
  return match[2] !== undefined && match[3] === "" ? "unbounded" : "bounded";
}

/** The index of the `]` closing the class opened at `start` (escapes skipped), or the end. */
function classEnd(source: string, start: number): number {
  for (let index = start + 1; index < source.length; index++) {
    if (source[index] === "\\") index++;
    else if (source[index] === "]" && index > start + 1) return index;
  }
  return source.length;
}
