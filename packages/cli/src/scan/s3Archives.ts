import { parseS3Url } from "@vigil/cloudtrail";
import { printable, printableLines } from "@vigil/core";
import { openTrailS3Client, S3TrailArchive, type TrailSelection } from "@vigil/cloudtrail/s3";
import type { Io } from "../Io.ts";
import { plural } from "../options.ts";

/** Opens each bucket's archive (listing down to its region folders) and says on stderr what will be read. */
export async function openS3Archives(urls: readonly string[], selection: TrailSelection, io: Io, command = "scan"): Promise<{ archives: S3TrailArchive[]; close(): void }> {
  const client = await openTrailS3Client();
  const archives: S3TrailArchive[] = [];
  try {
    for (const url of urls) {
      const archive = await S3TrailArchive.open(client, parseS3Url(url), selection);
      for (const note of archive.notes) io.stderr.write(`vigil ${command}: note: ${printableLines(note)}\n`);
      io.stderr.write(
        `Reading ${printable(url)}: ${plural(archive.regionFolders.length, "region folder")} ` +
          `(${plural(new Set(archive.regionFolders.map((folder) => folder.split("/").at(-4))).size, "account")}), ` +
          `log files delivered from ${selection.since.toISOString()} to ${selection.until.toISOString()}\n`,
      );
      archives.push(archive);
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return { archives, close: () => client.destroy() };
}
