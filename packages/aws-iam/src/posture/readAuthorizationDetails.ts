import { GetAccountAuthorizationDetailsCommand, type GetAccountAuthorizationDetailsResponse, type IAMClient } from "@aws-sdk/client-iam";
import { type AuthorizationDetails, authorizationDetailsSchema } from "@vigil/core";
import { decodePolicyDocument } from "../decodePolicyDocument.ts";
import { AwsCallError, allPages, type CallContext } from "./awsCall.ts";

const OPERATION = "iam:GetAccountAuthorizationDetails";

type Page = GetAccountAuthorizationDetailsResponse;
type Entry = { list: keyof AuthorizationDetails; item: unknown };

/**
 * The account's users, groups, roles and managed policies (GetAccountAuthorizationDetails, every page
 * of 1,000), in the form the AWS CLI writes: times as ISO text and every policy document (inline
 * policies, trust policies, each managed policy version) decoded into its JSON object. The SDK's
 * fields are kept as they are, but for InstanceProfileList, whose roles repeat RoleDetailList with
 * their trust policies still encoded. The calls grow with the account: one per 1,000 entries of the
 * four lists together.
 *
 * @throws AwsCallError when a page fails, or an answer is malformed (naming the field).
 */
export async function readAuthorizationDetails(iam: IAMClient, context: CallContext): Promise<AuthorizationDetails> {
  const entries = await allPages<Page, Entry>(
    context,
    OPERATION,
    (marker) => iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })),
    (page) => {
      if (page === undefined || page === null || typeof page !== "object") throw new AwsCallError(OPERATION, "the answer is empty");
      return [
        ...(page.UserDetailList ?? []).map((item) => ({ list: "UserDetailList" as const, item })),
        ...(page.GroupDetailList ?? []).map((item) => ({ list: "GroupDetailList" as const, item })),
        ...(page.RoleDetailList ?? []).map((item) => ({ list: "RoleDetailList" as const, item })),
        ...(page.Policies ?? []).map((item) => ({ list: "Policies" as const, item })),
      ];
    },
  );

  const merged: Record<keyof AuthorizationDetails, Record<string, unknown>[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  for (const { list, item } of entries) {
    const at = `${list}[${merged[list].length}]`;
    merged[list].push(convertEntry(list, item, at));
  }

  const parsed = authorizationDetailsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? pathText(issue.path) : "";
    throw new AwsCallError(OPERATION, `malformed answer: ${field || "(root)"}: ${issue?.message ?? "invalid"}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** One entry of a list with its Dates as ISO text and its policy documents decoded. */
function convertEntry(list: keyof AuthorizationDetails, item: unknown, at: string): Record<string, unknown> {
  if (item === null || typeof item !== "object" || Array.isArray(item)) throw new AwsCallError(OPERATION, `malformed answer: ${at}: expected an object`);
  const { InstanceProfileList: _repeated, ...rest } = item as Record<string, unknown>;
  const entry = plain(rest) as Record<string, unknown>;
  const inline = list === "UserDetailList" ? "UserPolicyList" : list === "GroupDetailList" ? "GroupPolicyList" : list === "RoleDetailList" ? "RolePolicyList" : undefined;
  if (inline) decodeEach(entry[inline], "PolicyDocument", `${at}.${inline}`);
  if (list === "RoleDetailList" && entry.AssumeRolePolicyDocument !== undefined) {
    entry.AssumeRolePolicyDocument = decodeDocument(entry.AssumeRolePolicyDocument, `${at}.AssumeRolePolicyDocument`);
  }
  if (list === "Policies") decodeEach(entry.PolicyVersionList, "Document", `${at}.PolicyVersionList`);
  return entry;
}

function decodeEach(list: unknown, field: string, at: string): void {
  if (!Array.isArray(list)) return;
  list.forEach((element: unknown, index) => {
    if (element === null || typeof element !== "object") return;
    const holder = element as Record<string, unknown>;
    if (holder[field] !== undefined) holder[field] = decodeDocument(holder[field], `${at}[${index}].${field}`);
  });
}

/** IAM's URL-encoded JSON text as the object it encodes (text already decoded is read as it is). */
function decodeDocument(value: unknown, at: string): unknown {
  if (typeof value !== "string") return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodePolicyDocument(value));
  } catch (cause) {
    throw new AwsCallError(OPERATION, `malformed answer: ${at}: not URL-encoded JSON`, { cause });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new AwsCallError(OPERATION, `malformed answer: ${at}: not a JSON object`);
  return parsed;
}

/** A deep copy with every Date as ISO text (an invalid Date is kept, for validation to name). */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
}

/** `RoleDetailList[2].RoleLastUsed.LastUsedDate` from a validation path. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");
}
