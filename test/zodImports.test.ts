import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.includes("node_modules"))
    .map((file) => join(dir, file));
}

describe("zod imports", () => {
  it("import zod as a namespace everywhere, so a Lambda bundle can leave out its locales (a named import kept 365 kB more in evaluate)", () => {
    const files = [...sources("packages"), ...sources("functions")];
    // A type-only import (`import type { ZodType }`) is erased and costs nothing.
    const named = files.filter((file) => /^import\s*\{[^}]*\}\s*from\s*"zod(\/v4)?"/m.test(readFileSync(join(ROOT, file), "utf8")));
    expect(files.length).toBeGreaterThan(100);
    expect(named).toEqual([]);
  });
});
