import { ConfigError, printable, printableLines } from "@vigil/core";
import { InputError } from "@vigil/cloudtrail";
import { CONSOLE_USAGE, consoleCommand } from "./commands/console.ts";
import { DOCTOR_USAGE, doctorCommand } from "./commands/doctor.ts";
import { FINDINGS_USAGE, findingsCommand } from "./commands/findings.ts";
import { POSTURE_USAGE, postureCommand } from "./commands/posture.ts";
import { RULES_USAGE, rulesCommand } from "./commands/rules.ts";
import { SCAN_USAGE, scanCommand } from "./commands/scan.ts";
import { SERVE_USAGE, serveCommand } from "./commands/serve.ts";
import { UsageError } from "./errors.ts";
import { type Io, processIo } from "./Io.ts";

const USAGE = `Usage: vigil <command> [options]

Vigil watches AWS IAM for risky changes and logins, from CloudTrail events.

Commands:
  scan PATH...      evaluate CloudTrail logs (files, directories, stdin) and print findings
  rules             list the rule catalogue and the effective configuration
  findings          list, read and triage findings (the embedded store, or a deployed API)
  serve             serve the findings API over the embedded store on 127.0.0.1
  console           open the triage console in a browser: the embedded store, or a deployed API
  posture           run the posture checks once: the live account, or downloaded reports
  doctor            check a deployed stage (stacks, subscriptions, Slack, organization spokes) and say what is wrong

Run 'vigil <command> --help' for a command's options.
Exit codes: 0 done, 1 findings at or above --fail-on (doctor: a problem found), 2 usage or configuration error, 3 failure.
`;

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => Promise<number>; usage: string }> = {
  scan: { run: scanCommand, usage: SCAN_USAGE },
  rules: { run: rulesCommand, usage: RULES_USAGE },
  findings: { run: findingsCommand, usage: FINDINGS_USAGE },
  posture: { run: postureCommand, usage: POSTURE_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  console: { run: (argv, io) => consoleCommand(argv, io), usage: CONSOLE_USAGE },
  doctor: { run: doctorCommand, usage: DOCTOR_USAGE },
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`vigil: unknown command "${printable(name)}"\n\n${USAGE}`);
    return 2;
  }
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
