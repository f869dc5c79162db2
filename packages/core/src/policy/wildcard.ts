/**
 * IAM wildcard strings, as in `Action` and `Resource`: `*` matches any run of characters (none
 * included), `?` exactly one character, everything else itself. IAM has no escape, so a pattern
 * can never name a literal `*` or `?`.
 *
 * Matching and comparing are dynamic programs over the two strings (no regular expressions), so a
 * hostile pattern such as `*a*a*a*a*b` costs at most length × length steps.
 */

export interface WildcardOptions {
  /** Compare letters case-insensitively (IAM action names); resources compare exactly. */
  ignoreCase?: boolean;
}

/** True when `pattern` matches the concrete string `text`. */
export function wildcardMatch(pattern: string, text: string, options: WildcardOptions = {}): boolean {
  const p = prepare(pattern, options);
  const t = options.ignoreCase ? text.toLowerCase() : text;
  // Classic linear-space matcher: remember the last `*` and retry from one character further.
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t.length) {
    if (i < p.length && (p[i] === "?" || (p[i] !== "*" && p[i] === t[j]))) {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star !== -1) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}

/**
 * True when every string `inner` matches is also matched by `outer` (`s3:*` covers `s3:Get*`,
 * `arn:aws:s3:::*` covers `arn:aws:s3:::logs/*`). Sound: a true answer is always right. It may
 * answer false for a few exotic pairs that do cover each other; callers use it where a false
 * answer errs towards reporting.
 */
export function wildcardCovers(outer: string, inner: string, options: WildcardOptions = {}): boolean {
  const p = prepare(outer, options);
  const q = prepare(inner, options);
  const n = p.length;
  const m = q.length;
  // next[j] holds covers(p[i+1..], q[j..]); row[j] holds covers(p[i..], q[j..]).
  let next = new Uint8Array(m + 1);
  next[m] = 1;
  for (let i = n - 1; i >= 0; i--) {
    const row = new Uint8Array(m + 1);
    for (let j = m; j >= 0; j--) {
      const pc = p[i];
      if (pc === "*") row[j] = next[j] || (j < m && row[j + 1]) ? 1 : 0;
      else if (j === m) row[j] = 0;
      else if (pc === "?") row[j] = q[j] !== "*" && next[j + 1] ? 1 : 0;
      else row[j] = q[j] === pc && next[j + 1] ? 1 : 0;
    }
    next = row;
  }
  return next[0] === 1;
}

/** True when some string is matched by both patterns (exact). */
export function wildcardsIntersect(a: string, b: string, options: WildcardOptions = {}): boolean {
  const p = prepare(a, options);
  const q = prepare(b, options);
  const n = p.length;
  const m = q.length;
  // table[i][j]: do p[i..] and q[j..] share a string? Filled from the ends.
  const width = m + 1;
  const table = new Uint8Array((n + 1) * width);
  const at = (i: number, j: number) => table[i * width + j] === 1;
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let value: boolean;
      if (i === n && j === m) value = true;
      else if (i < n && p[i] === "*") value = at(i + 1, j) || (j < m && at(i, j + 1));
      else if (j < m && q[j] === "*") value = at(i, j + 1) || (i < n && at(i + 1, j));
      else if (i < n && j < m) value = (p[i] === "?" || q[j] === "?" || p[i] === q[j]) && at(i + 1, j + 1);
      else value = false;
      table[i * width + j] = value ? 1 : 0;
    }
  }
  return at(0, 0);
}

export function hasWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

/**
 * Folds case when asked and rewrites every run of wildcards as its `?`s followed by one `*`
 * (`*?*` and `?*` match the same strings), which keeps `wildcardCovers` from missing them.
 */
function prepare(pattern: string, options: WildcardOptions): string {
  const folded = options.ignoreCase ? pattern.toLowerCase() : pattern;
  return folded.replace(/[*?]{2,}/g, (run) => "?".repeat(run.split("?").length - 1) + (run.includes("*") ? "*" : ""));
}
