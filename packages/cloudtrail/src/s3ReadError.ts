/** The S3 permission a request needs, named in the reason when it is refused. */
export type S3Action = "s3:GetObject" | "s3:ListBucket";

/**
 * Why S3 refused a read, in words a user can act on. The SDK gives the S3 error code as the
 * error's name (unmodelled codes such as `KMS.DisabledException` included) and the HTTP status in
 * `$metadata`; a request that never reached S3 carries a Node error code instead.
 */
export function describeS3Error(error: unknown, action: S3Action): string {
  const { name, message, status, nodeCode } = fields(error);
  // An SSE-KMS object whose key the caller may not use: S3 answers 403 AccessDenied naming kms:Decrypt,
  // or (a disabled, deleted or foreign key) a KMS.* code. Either way S3's own permissions are fine.
  if (name.startsWith("KMS.")) return `KMS refused to decrypt it (${name}): ${message}`;
  if ((name === "AccessDenied" || status === 403) && /\bkms\b/i.test(message)) {
    return `access denied by KMS: the object is encrypted with a KMS key the caller may not use for kms:Decrypt (${message})`;
  }
  // S3 answers an archived object with 403 too: its code says more than its status.
  if (name === "InvalidObjectState") return "archived in a Glacier storage class: restore it before scanning";
  if (name === "AccessDenied" || status === 403) return `access denied (${action} refused${message && message !== name ? `: ${message}` : ""})`;
  if (name === "NoSuchKey") return "gone: deleted after it was listed";
  if (name === "NoSuchBucket") return "no such bucket";
  if (nodeCode) return `cannot reach S3 (${nodeCode})${message ? `: ${message}` : ""}`;
  return `${name}${status ? ` (HTTP ${status})` : ""}${message && message !== name ? `: ${message}` : ""}`;
}

function fields(error: unknown): { name: string; message: string; status: number | undefined; nodeCode: string | undefined } {
  if (typeof error !== "object" || error === null) return { name: String(error), message: "", status: undefined, nodeCode: undefined };
  const value = error as { name?: unknown; message?: unknown; code?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = typeof value.$metadata?.httpStatusCode === "number" ? value.$metadata.httpStatusCode : undefined;
  const name = typeof value.Code === "string" ? value.Code : typeof value.name === "string" ? value.name : "Error";
  const nodeCode = status === undefined && typeof value.code === "string" ? value.code : undefined;
  return { name, message: typeof value.message === "string" ? value.message : "", status, nodeCode };
}
