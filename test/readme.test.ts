import { readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { rulesTable } from "../scripts/readmeTable.ts";
import { REPO } from "./helpers/cli.ts";

const readme = readFileSync(join(REPO, "README.md"), "utf8");
const ci = readFileSync(join(REPO, ".ci", "run"), "utf8");
const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("README", () => {
  it("opens with the two commands a newcomer runs, and CI runs exactly the test one", () => {
    const firstBlock = readme.split("```")[1] ?? "";
    expect(firstBlock).toContain("npm ci && npm start");
    expect(firstBlock).toContain("npm test");
    expect(pkg.scripts.start).toBe("vigil scan samples/");
    expect(ci).toMatch(/^npm test$/m);
  });

  it("has the rule table as the registry generates it (run `npm run readme` after changing a rule)", () => {
    expect(readme).toContain(rulesTable());
    for (const rule of catalogue) expect(readme).toContain(`\`${rule.meta.id}\``);
  });
});
