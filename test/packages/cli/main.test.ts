import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "@vigil/cli";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../../helpers/cli.ts";
import { captureIo } from "../../helpers/io.ts";

const VERSION = (JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8")) as { version: string }).version;

describe("CLI: vigil --version", () => {
  it.each([["--version"], ["version"]])("%s prints the CLI package's version alone and exits 0", async (argument) => {
    const { io, out } = captureIo();
    expect(await main([argument], io)).toBe(0);
    expect(out.stdout).toBe(`${VERSION}\n`);
    expect(out.stderr).toBe("");
  });

  it("is named in the usage", async () => {
    const { io, out } = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(out.stdout).toContain("'vigil --version' for Vigil's version");
  });

  it("answers through the bin, as a user runs it", async () => {
    const result = await runCli(["--version"]);
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });
});
