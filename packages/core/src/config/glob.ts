/** `*` matches any run of characters, `?` one character; everything else is literal. Whole-string, case-sensitive as ARNs are. */
export function globToRegExp(glob: string, flags = ""): RegExp {
  let source = "";
  for (const char of glob) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  // dotAll: `*` is any run of characters, a line break in a user agent included.
  return new RegExp(`^${source}$`, `s${flags}`);
}
