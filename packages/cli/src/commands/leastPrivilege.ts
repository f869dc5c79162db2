import { parseArgs } from "node:util";
import { identityOf, printable, proposePolicy, unusedGrants } from "@vigil/core";
import { expandInputs, type InputSource, isS3Url } from "@vigil/cloudtrail";
import { loadActionIndex, loadActionResources } from "@vigil/iam-actions";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { gatherUsage } from "../leastPrivilege/gatherUsage.ts";
import { checkProposedPolicy } from "../leastPrivilege/policyCheck.ts";
import { readPolicies } from "../leastPrivilege/readPolicies.ts";
import { buildReport } from "../leastPrivilege/report.ts";
import { renderTable } from "../leastPrivilege/renderTable.ts";
import { styleFor } from "../output/style.ts";
import { readLimits } from "../scan/readLimits.ts";
import { trailSelection } from "../scan/s3Selection.ts";
import { scanWindow } from "../scan/timeRange.ts";

export const LEAST_PRIVILEGE_USAGE = `Usage: vigil least-privilege PATH... --principal ARN [options]
       vigil least-privilege s3://BUCKET[/PREFIX] --principal ARN [--since 90d] [--until TIME] [--account ID]... [--region R]... [options]

Reads CloudTrail logs (as vigil scan reads them) for the calls one IAM user or role made, a role
through any of its sessions, and prints: the actions it used, by service, with the resources,
counts and first and last times; the calls denied to it; with --policies, the actions its
policies grant that it never used; and a proposed policy allowing only the calls that succeeded,
checked by Vigil's own rules. Granted actions a trail cannot show (data events it did not record,
actions CloudTrail never logs) are listed as unknowable, never as unused.

Options:
  --principal ARN         the user or role: arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME,
                          or one of the role's sessions (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION)
  --since TIME            calls made since then: a duration (30m, 12h, 90d) or an ISO day or time with
                          its zone (2026-11-20, 2026-11-20T08:35Z) (default: 90d)
  --until TIME            calls made until then (as --since; default now)
  --policies FILE|live    the account's policies as aws iam get-account-authorization-details writes them,
                          or live: read with your AWS credentials (iam:GetAccountAuthorizationDetails)
  --format FORMAT         table or json (default: table)
  --account ID            with s3://: only these accounts (repeat, or comma-separated)
  --region REGION         with s3://: only these regions (repeat, or comma-separated)
  --max-file-size SIZE    the most one log file may take decompressed (default: 256MiB)
  --max-record-size SIZE  the most one line of JSON lines may take (default: 1MiB)

Inputs that cannot be read are reported on stderr with their location, counted, and skipped.
`;

/** Objects downloaded at once from S3, as vigil scan does. */
const S3_READ_CONCURRENCY = 8;

export async function leastPrivilegeCommand(argv: string[], io: Io, now = new Date()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      principal: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      policies: { type: "string" },
      format: { type: "string", default: "table" },
      account: { type: "string", multiple: true },
      region: { type: "string", multiple: true },
      "max-file-size": { type: "string" },
      "max-record-size": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(LEAST_PRIVILEGE_USAGE);
    return 0;
  }
  if (values.principal === undefined) throw new UsageError("--principal is required");
  const principal = identityOf(values.principal);
  if (!principal) throw new UsageError(`--principal: expected an IAM user or role ARN (or a role session's), got "${values.principal}"`);
  if (values.format !== "table" && values.format !== "json") throw new UsageError(`--format: expected table or json, got "${values.format}"`);
  if (positionals.length === 0) throw new UsageError("no PATH given (use - for stdin)");
  const urls = positionals.filter(isS3Url);
  const paths = positionals.filter((path) => !isS3Url(path));
  if (urls.length === 0 && (values.account || values.region)) throw new UsageError("--account and --region go with s3://");
  // The calls counted are those made in the window; with s3://, the day folders listed are the same.
  const window = { since: values.since ?? "90d", ...(values.until === undefined ? {} : { until: values.until }) };
  const { since, until } = scanWindow(window, now);
  const selection = urls.length > 0 ? trailSelection({ ...window, ...(values.account ? { account: values.account } : {}), ...(values.region ? { region: values.region } : {}) }, now) : undefined;
  const limits = readLimits(values);
  const policies = values.policies === undefined ? undefined : await readPolicies(values.policies);

  const local = paths.length > 0 ? await expandInputs(paths, io.stdin) : undefined;
  // Imported only for S3: the S3 client is a large load that local reads should not pay.
  const s3 = selection ? await (await import("../scan/s3Archives.ts")).openS3Archives(urls, selection, io, "least-privilege") : undefined;
  const sources = concat([...(local ? [local] : []), ...(s3?.archives.map((archive) => archive.sources()) ?? [])]);
  const actions = loadActionIndex();
  const resources = loadActionResources();
  const errStyle = styleFor(io.stderr);
  let gathered: Awaited<ReturnType<typeof gatherUsage>>;
  try {
    gathered = await gatherUsage({
      sources,
      principal,
      since,
      until,
      actions,
      resources,
      limits,
      ...(s3 ? { readConcurrency: S3_READ_CONCURRENCY } : {}),
      // A file name or a record's content is anyone's: escaped, on one line.
      error: (at, message) => io.stderr.write(`${errStyle.severity("HIGH", "error")} ${printable(at)}: ${printable(message)}\n`),
    });
  } finally {
    s3?.close();
  }

  const usage = gathered.usage.summary();
  const grants = policies ? { file: policies.source, result: unusedGrants(policies.details, values.principal, usage.success, gathered.dataEventTypes, actions, resources) } : undefined;
  const proposal = proposePolicy(usage.success, resources);
  const policyCheck = await checkProposedPolicy(proposal.policy, principal.account, now, actions);
  const report = buildReport({ principal: values.principal, since, until, usage, grants, proposal, policyCheck, stats: gathered.stats });
  io.stdout.write(values.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, styleFor(io.stdout)));
  return 0;
}

async function* concat(iterables: readonly AsyncIterable<InputSource>[]): AsyncGenerator<InputSource> {
  for (const iterable of iterables) yield* iterable;
}
