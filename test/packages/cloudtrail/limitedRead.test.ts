import { formatSize, InputTooLargeError, readFileLimited } from "@vigil/cloudtrail";
import { describe, expect, it } from "vitest";

describe("Module: limitedRead", () => {
  it.each([
    [256 * 1024 * 1024, "256 MiB"],
    [1024 ** 3, "1 GiB"],
    [2_000_000, "2 MB"],
    [64 * 1024, "64 KiB"],
    [1000, "1 kB"],
    [1500, "1500 bytes"],
  ])("formats %d bytes as %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it("stops reading a file without end at its limit, naming it and the limit", async () => {
    const read = readFileLimited("/dev/zero", 1024 * 1024);
    await expect(read).rejects.toThrow(InputTooLargeError);
    await expect(read).rejects.toThrow("/dev/zero: size exceeds 1 MiB");
  });

  it("passes on the file system's error, with its code", async () => {
    await expect(readFileLimited("/no/such/file.json", 1024)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
