import type { Severity } from "@vigil/core";

/** ANSI styling, on only for a terminal that did not opt out (NO_COLOR, FORCE_COLOR as usual). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  severity(severity: Severity, text: string): string;
}

const SEVERITY_CODES: Record<Severity, string> = {
  CRITICAL: "1;97;41",
  HIGH: "1;31",
  MEDIUM: "33",
  LOW: "36",
  INFO: "2",
};

export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
  const enabled = forced || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb");
  const wrap = (code: string) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    bold: wrap("1"),
    dim: wrap("2"),
    severity: (severity, text) => wrap(SEVERITY_CODES[severity])(text),
  };
}
