import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { type ClientFactory, type Credentials, profileCredentials, sdkClients } from "../doctor/clients.ts";
import { loadDoctorConfig } from "../doctor/doctorConfig.ts";
import { exitCodeOf, renderJson, renderText } from "../doctor/renderReport.ts";
import { runDoctor } from "../doctor/runDoctor.ts";
import { styleFor } from "../output/style.ts";

export const DOCTOR_USAGE = `Usage: vigil doctor --stage NAME [--organization] [options]

Checks a deployed stage, read-only, with your AWS credentials, and says what is wrong in words:
the Monitor stack (us-east-1) and a Forwarder stack in each forwarder region, the email
subscriptions of the findings and ops topics, the Slack webhook parameter, and with
--organization the spoke StackSet's instances in every account and region, the management
account's own spoke stacks and the audit roles of a sample of accounts.
Each line is ok, warning, PROBLEM, or unchecked (your credentials could not tell; the line says why
and what to run instead). Exit codes: 0 no problem, 1 a problem, 2 usage or configuration error,
3 failure (no usable credentials).

Options:
  --stage NAME              the stage to check (its stacks are NAME-vigil-Monitor, NAME-vigil-Forwarder)
  --config FILE             the stage configuration (default: config/NAME.json; none means the defaults)
  --organization            check organization mode too (from the security or the management account)
  --management-profile P    an AWS profile of the management account, to read its own spoke stacks
                            (not needed when your credentials are the management account's)
  --member-role ROLE        a role you may assume in member accounts (e.g. OrganizationAccountAccessRole,
                            assumed from --management-profile when given), to read their audit roles
  --sample N                how many accounts' audit roles to read with --member-role (default: 5)
  --json                    print the checks as JSON
`;

const DEFAULT_SAMPLE = 5;

export interface DoctorDependencies {
  client: ClientFactory;
  profileCredentials(profile: string): Credentials;
  random(): number;
}

/** `deps` is for tests; the command itself builds SDK clients from the default credential chain. */
export async function doctorCommand(argv: string[], io: Io, deps?: DoctorDependencies): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: "string" },
      config: { type: "string" },
      organization: { type: "boolean", default: false },
      "management-profile": { type: "string" },
      "member-role": { type: "string" },
      sample: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const stage = values.stage;
  if (stage === undefined) throw new UsageError("--stage is required");
  // SST stage names become parts of stack names: letters, digits and hyphens, starting with a letter.
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stage)) throw new UsageError(`--stage: expected a stage name such as prod, got "${stage}"`);
  const organizationOnly = (["management-profile", "member-role", "sample"] as const).filter((option) => values[option] !== undefined);
  if (!values.organization && organizationOnly.length > 0) throw new UsageError(`${organizationOnly.map((option) => `--${option}`).join(", ")} go${organizationOnly.length === 1 ? "es" : ""} with --organization`);
  if (values["member-role"] !== undefined && !/^[\w+=,.@-]{1,64}$/.test(values["member-role"])) throw new UsageError(`--member-role: expected an IAM role name, got "${values["member-role"]}"`);
  const sample = values.sample === undefined ? DEFAULT_SAMPLE : Number(values.sample);
  if (!Number.isInteger(sample) || sample < 1 || sample > 100) throw new UsageError(`--sample: expected a whole number from 1 to 100, got "${values.sample}"`);
  const config = await loadDoctorConfig(stage, values.config);

  const sdk = deps ? undefined : sdkClients();
  const client = deps?.client ?? sdk!.client;
  const profile = values["management-profile"];
  try {
    const report = await runDoctor(client, {
      stage,
      config,
      organization: values.organization,
      managementProfile: profile === undefined ? undefined : { name: profile, credentials: (deps?.profileCredentials ?? profileCredentials)(profile) },
      memberRole: values["member-role"],
      sample,
      random: deps?.random ?? Math.random,
      rerun: `vigil doctor --stage ${stage}${values.config ? ` --config ${values.config}` : ""} --organization${profile ? ` --management-profile ${profile}` : ""}`,
    });
    io.stdout.write(values.json ? renderJson(report) : renderText(report, styleFor(io.stdout)));
    return exitCodeOf(report);
  } finally {
    sdk?.destroy();
  }
}
