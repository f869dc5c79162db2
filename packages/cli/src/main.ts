import { ConfigError, printable, printableLines } from "@vigil/core";
import { InputError } from "@vigil/cloudtrail";
import { UsageError } from "./errors.ts";
import { type Io, processIo } from "./Io.ts";
import { vigilVersion } from "./version.ts";

const USAGE = `Usage: vigil <command> [options]

Vigil watches AWS IAM for risky changes and logins, from CloudTrail events.

Commands:
  scan PATH...      evaluate CloudTrail logs (files, directories, stdin) and print findings
  rules             list the rule catalogue and the effective configuration
  findings          list, read and triage findings (the embedded store, or a deployed API)
  serve             serve the findings API over the embedded store on 127.0.0.1
  console           open the triage console in a browser: the embedded store, or a deployed API
  posture           run the posture checks once: the live account, or downloaded reports
  least-privilege PATH... --principal ARN
                    what a user or role used, was denied and never used; a policy of only what it used
  doctor            check a deployed stage (stacks, subscriptions, Slack, organization spokes) and say what is wrong

Run 'vigil <command> --help' for a command's options, 'vigil --version' for Vigil's version.
Exit codes: 0 done, 1 findings at or above --fail-on (doctor: a problem found), 2 usage or configuration error, 3 failure.
`;

interface Command {
  run: (argv: string[], io: Io) => Promise<number>;
  usage: string;
}

// Each command's module is imported only when that command runs, so `vigil rules` or `vigil --version`
// never load the embedded store (dynalite, LevelDB) or the AWS clients of scan, posture and doctor: in
// the built CLI they sit in chunks of their own, and start-up stays close to a bare `node`.
const COMMANDS: Record<string, () => Promise<Command>> = {
  scan: async () => {
    const { SCAN_USAGE, scanCommand } = await import("./commands/scan.ts");
    return { run: scanCommand, usage: SCAN_USAGE };
  },
  rules: async () => {
    const { RULES_USAGE, rulesCommand } = await import("./commands/rules.ts");
    return { run: rulesCommand, usage: RULES_USAGE };
  },
  findings: async () => {
    const { FINDINGS_USAGE, findingsCommand } = await import("./commands/findings.ts");
    return { run: findingsCommand, usage: FINDINGS_USAGE };
  },
  posture: async () => {
    const { POSTURE_USAGE, postureCommand } = await import("./commands/posture.ts");
    return { run: postureCommand, usage: POSTURE_USAGE };
  },
  serve: async () => {
    const { SERVE_USAGE, serveCommand } = await import("./commands/serve.ts");
    return { run: serveCommand, usage: SERVE_USAGE };
  },
  console: async () => {
    const { CONSOLE_USAGE, consoleCommand } = await import("./commands/console.ts");
    return { run: (argv, io) => consoleCommand(argv, io), usage: CONSOLE_USAGE };
  },
  "least-privilege": async () => {
    const { LEAST_PRIVILEGE_USAGE, leastPrivilegeCommand } = await import("./commands/leastPrivilege.ts");
    return { run: (argv, io) => leastPrivilegeCommand(argv, io), usage: LEAST_PRIVILEGE_USAGE };
  },
  doctor: async () => {
    const { DOCTOR_USAGE, doctorCommand } = await import("./commands/doctor.ts");
    return { run: doctorCommand, usage: DOCTOR_USAGE };
  },
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "version") {
    io.stdout.write(`${vigilVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`vigil: unknown command "${printable(name)}"\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`vigil ${name}: ${printableLines((error as Error).message)}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof InputError) {
      io.stderr.write(`vigil ${name}: ${printableLines(error.message)}\n`);
      return 2;
    }
    // Messages quote paths, keys and values from the input: shown escaped, as every human-facing line.
    io.stderr.write(`vigil ${name}: ${printableLines(String((error as Error)?.message ?? error))}\n`);
    return 3;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
