// s3rver ships no types: what the tests and the S3 bench use of it.
declare module "s3rver" {
  export interface S3rverContext {
    method: string;
    path: string;
    querystring: string;
  }
  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;
  export interface ListOptions {
    delimiter?: string;
    prefix?: string;
    startAfter?: string;
    maxKeys?: number;
  }
  export interface ListResult {
    objects: { key: string }[];
    commonPrefixes: string[];
    isTruncated: boolean;
  }
  export default class S3rver {
    store: { listObjects(bucket: string, options: ListOptions): Promise<ListResult> };
    constructor(options: { address?: string; port?: number; silent?: boolean; directory: string; configureBuckets?: { name: string }[] });
    /** Koa's middleware stack, composed when the server starts listening. */
    middleware: S3rverMiddleware[];
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}

declare module "s3rver/lib/models/error.js" {
  /** s3rver's S3 error: thrown in its middleware, it is answered as S3 would (status and XML body). */
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
  }
}

declare module "s3rver/lib/models/account.js" {
  /** The account s3rver serves every bucket as; its key pairs are the credentials it accepts. */
  export const DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
