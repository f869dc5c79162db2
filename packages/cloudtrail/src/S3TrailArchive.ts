import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { InputError } from "./errors.ts";
import { INPUT_FILE } from "./InputSource.ts";
import type { InputSource } from "./readInput.ts";
import { type S3Location, trailPosition } from "./s3Location.ts";
import { describeS3Error } from "./s3ReadError.ts";
import { ACCOUNT_ID, dayFolders, deliveredWithin, EVENTS_FOLDER, holdsNoEvents, ORGANIZATION_ID } from "./trailLayout.ts";

/** Which log files of a trail to read: delivered within [since, until], of these accounts and regions (all when empty). */
export interface TrailSelection {
  since: Date;
  until: Date;
  accounts: readonly string[];
  regions: readonly string[];
}

/** Moves as the scan goes, for a progress line. */
export interface S3ArchiveProgress {
  /** Day folders (one region of one account on one day) listed so far, of `dayFolders`. */
  listedDayFolders: number;
  dayFolders: number;
  /** Log files listed so far (in range), and the compressed bytes downloaded. */
  listedObjects: number;
  bytesRead: number;
}

/**
 * A CloudTrail archive in S3 (an organization trail, a single-account trail, or both in one
 * bucket), read without listing the bucket: `open` walks down the layout with delimited listings
 * (organizations, accounts, then each account's regions), and `sources` lists exactly the
 * `YYYY/MM/DD/` folders in range, one at a time as the scan reaches them, so memory holds a
 * page of keys, never the archive's. Log files come in key order: account, region, day, time,
 * the order a walk of the same files on disk takes.
 *
 * A listing or download S3 refuses becomes a source whose read fails with the reason (access
 * denied, KMS, archived, ...): it is reported in order with the rest, and the scan goes on.
 */
export class S3TrailArchive {
  readonly progress: S3ArchiveProgress = { listedDayFolders: 0, dayFolders: 0, listedObjects: 0, bytesRead: 0 };
  /** What the selection asked for that the archive does not have: worth telling, not an error. */
  readonly notes: readonly string[];
  /** The `.../CloudTrail/<region>/` folders to read, in order. */
  readonly regionFolders: readonly string[];
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #days: readonly string[];
  readonly #selection: TrailSelection;
  readonly #unlisted: readonly { prefix: string; error: unknown }[];

  private constructor(
    client: S3Client,
    bucket: string,
    found: { regionFolders: string[]; unlisted: { prefix: string; error: unknown }[]; notes: string[] },
    days: string[],
    selection: TrailSelection,
  ) {
    this.#client = client;
    this.#bucket = bucket;
    this.regionFolders = found.regionFolders;
    this.#unlisted = found.unlisted;
    this.notes = found.notes;
    this.#days = days;
    this.#selection = selection;
    this.progress.dayFolders = found.regionFolders.length * days.length;
  }

  /**
   * Finds the region folders under `location` that the selection keeps. Throws an InputError
   * naming the URL when the first listing fails (no bucket, no permission: nothing could be read)
   * or when nothing in the archive matches; a deeper listing that fails is reported by `sources`.
   */
  static async open(client: S3Client, location: S3Location, selection: TrailSelection): Promise<S3TrailArchive> {
    const url = `s3://${location.bucket}/${location.prefix}`;
    const position = trailPosition(location);
    const days = dayFolders(selection.since, selection.until).filter((day) => position.date === undefined || day.startsWith(position.date));
    if (days.length === 0) {
      throw new InputError(url, position.date ? `the prefix's period ${position.date} lies outside --since/--until` : "--since is after --until");
    }
    const lister = new FolderLister(client, location.bucket);
    const found = await discover(lister, url, position, selection);
    return new S3TrailArchive(client, location.bucket, found, days, selection);
  }

  /** Every log file in range, listed a day folder at a time; what could not be listed comes first. */
  async *sources(): AsyncGenerator<InputSource> {
    for (const { prefix, error } of this.#unlisted) yield this.#unreadable(prefix, `cannot list: ${describeS3Error(error, "s3:ListBucket")}`, error);
    for (const folder of this.regionFolders) {
      for (const day of this.#days) {
        const prefix = `${folder}${day}/`;
        try {
          for await (const page of listPages(this.#client, this.#bucket, prefix)) {
            for (const object of page.Contents ?? []) {
              const key = object.Key;
              if (!key || !INPUT_FILE.test(key) || holdsNoEvents(key, "file")) continue;
              if (!deliveredWithin(key, this.#selection.since, this.#selection.until)) continue;
              this.progress.listedObjects++;
              yield this.#object(key);
            }
          }
        } catch (error) {
          yield this.#unreadable(prefix, `cannot list: ${describeS3Error(error, "s3:ListBucket")}`, error);
        }
        this.progress.listedDayFolders++;
      }
    }
  }

  /**
   * An object, downloaded as it is read: a scan that stops reading it (a limit passed) stops the
   * download, and the progress line counts the bytes that came.
   */
  #object(key: string): InputSource {
    const name = `s3://${this.#bucket}/${key}`;
    return {
      name,
      open: async () => {
        let body: AsyncIterable<Uint8Array>;
        try {
          const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
          if (!response.Body) throw new Error("S3 returned no body");
          body = response.Body as AsyncIterable<Uint8Array>; // in Node, the response's Readable
        } catch (error) {
          throw new InputError(name, describeS3Error(error, "s3:GetObject"), { cause: error });
        }
        return counted(body, this.progress);
      },
    };
  }

  #unreadable(prefix: string, message: string, cause: unknown): InputSource {
    const name = `s3://${this.#bucket}/${prefix}`;
    return { name, open: () => Promise.reject(new InputError(name, message, { cause })) };
  }
}

async function* counted(body: AsyncIterable<Uint8Array>, progress: S3ArchiveProgress): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    progress.bytesRead += chunk.byteLength;
    yield chunk;
  }
}

async function* listPages(client: S3Client, bucket: string, prefix: string, delimiter?: string) {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) }),
    );
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Lists the folder names one level under a prefix (ListObjectsV2 with Delimiter "/"). */
class FolderLister {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async folders(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for await (const page of listPages(this.client, this.bucket, prefix, "/")) {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) names.push(common.Prefix.slice(prefix.length, -1));
    }
    return names.sort();
  }
}

async function discover(
  lister: FolderLister,
  url: string,
  position: ReturnType<typeof trailPosition>,
  selection: TrailSelection,
): Promise<{ regionFolders: string[]; unlisted: { prefix: string; error: unknown }[]; notes: string[] }> {
  const unlisted: { prefix: string; error: unknown }[] = [];
  const notes: string[] = [];
  let first = true;
  /** The folders under a prefix; the first listing failing means nothing can be read, so it throws. */
  const list = async (prefix: string): Promise<string[] | undefined> => {
    try {
      return await lister.folders(prefix);
    } catch (error) {
      if (first) throw new InputError(url, `cannot list s3://${lister.bucket}/${prefix}: ${describeS3Error(error, "s3:ListBucket")}`, { cause: error });
      unlisted.push({ prefix, error });
      return undefined;
    } finally {
      first = false;
    }
  };

  // Account folders: `AWSLogs/<account>/` (a single-account trail) or `AWSLogs/o-<org>/<account>/`.
  let accountFolders: string[] = [];
  if (position.account) {
    accountFolders = [`${position.logs}${position.organization ? `${position.organization}/` : ""}${position.account}/`];
  } else {
    const owners = position.organization ? [position.organization] : ((await list(position.logs)) ?? []).filter((name) => ORGANIZATION_ID.test(name) || ACCOUNT_ID.test(name));
    for (const owner of owners) {
      if (ACCOUNT_ID.test(owner)) accountFolders.push(`${position.logs}${owner}/`);
      else for (const account of (await list(`${position.logs}${owner}/`)) ?? []) if (ACCOUNT_ID.test(account)) accountFolders.push(`${position.logs}${owner}/${account}/`);
    }
  }
  const accountOf = (folder: string) => folder.split("/").at(-2) as string;
  const present = new Set(accountFolders.map(accountOf));
  const missingAccounts = selection.accounts.filter((account) => !present.has(account));
  if (missingAccounts.length > 0) notes.push(`no logs for account ${missingAccounts.join(", ")} under ${url}`);
  if (selection.accounts.length > 0) accountFolders = accountFolders.filter((folder) => selection.accounts.includes(accountOf(folder)));

  const regionFolders: string[] = [];
  const regionsSeen = new Set<string>();
  for (const folder of accountFolders) {
    const events = `${folder}${EVENTS_FOLDER}/`;
    const regions = position.region ? [position.region] : ((await list(events)) ?? []);
    for (const region of regions) {
      regionsSeen.add(region);
      if (selection.regions.length === 0 || selection.regions.includes(region)) regionFolders.push(`${events}${region}/`);
    }
  }
  const missingRegions = selection.regions.filter((region) => !regionsSeen.has(region));
  if (missingRegions.length > 0 && accountFolders.length > 0) notes.push(`no logs for region ${missingRegions.join(", ")} in any account under ${url}`);
  if (regionFolders.length === 0 && unlisted.length === 0) {
    throw new InputError(url, `no CloudTrail log folders ${selection.accounts.length + selection.regions.length > 0 ? "match the --account/--region selection" : `under it (expected ${position.logs}[o-ORG/]ACCOUNT/${EVENTS_FOLDER}/REGION/)`}`);
  }
  // Built in listing order (owners, accounts, regions, each sorted), which is a walk's name order on disk.
  return { regionFolders, unlisted, notes };
}
