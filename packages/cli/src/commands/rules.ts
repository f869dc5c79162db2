import { parseArgs } from "node:util";
import { catalogue, formatReference } from "@vigil/core";
import type { Io } from "../Io.ts";
import { loadConfig } from "../loadConfig.ts";
import { ignoreEntryView, renderIgnoreEntries } from "../output/ignoreEntries.ts";
import { styleFor } from "../output/style.ts";
import { wrap } from "../output/wrap.ts";

export const RULES_USAGE = `Usage: vigil rules [--config FILE] [--format table|json]

Lists the rule catalogue with the effective configuration: severity, enabled, parameters,
trusted accounts, privileged groups and the ignore entries (an expired one is marked EXPIRED).
`;

export async function rulesCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      format: { type: "string", default: "table" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(RULES_USAGE);
    return 0;
  }
  const config = await loadConfig(values.config, catalogue);
  // Outside the pure core: the wall clock decides which ignore entries have expired today.
  const now = new Date();
  const rules = catalogue.map((rule) => {
    const effective = config.rules.get(rule.meta.id);
    return {
      id: rule.meta.id,
      title: rule.meta.title,
      severity: effective?.severity ?? rule.meta.severity,
      enabled: effective?.enabled ?? true,
      params: effective?.params ?? {},
      references: rule.meta.references,
    };
  });
  if (values.format === "json") {
    const settings = {
      trustedAccounts: config.settings.trustedAccounts,
      privilegedGroupPatterns: config.settings.privilegedGroupPatterns.map((pattern) => pattern.source),
      ignore: config.ignore.map((rule) => ignoreEntryView(rule, now)),
    };
    io.stdout.write(`${JSON.stringify({ settings, rules }, null, 2)}\n`);
    return 0;
  }
  const style = styleFor(io.stdout);
  const out: string[] = [style.bold(`${"RULE".padEnd(38)}${"SEVERITY".padEnd(10)}REFERENCES`)];
  for (const rule of rules) {
    const references = rule.references.map(formatReference).join(", ");
    out.push(`${rule.id.padEnd(38)}${style.severity(rule.severity, rule.severity.padEnd(8))}  ${wrap(references, 30, " ".repeat(48))}`);
    const params = Object.entries(rule.params as Record<string, unknown>).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    const extra = [rule.enabled ? "" : "DISABLED", ...params].filter(Boolean).join("  ");
    out.push(style.dim(`    ${rule.title}${extra ? `  [${extra}]` : ""}`));
  }
  out.push("");
  out.push(`Trusted accounts: ${config.settings.trustedAccounts.join(", ") || "none (only the event's own account)"}`);
  out.push(`Privileged groups: ${config.settings.privilegedGroupPatterns.map((pattern) => `/${pattern.source}/i`).join(", ")}`);
  out.push(...renderIgnoreEntries(config.ignore, now, style));
  out.push(`${rules.length} rules, ${rules.filter((rule) => rule.enabled).length} enabled.`);
  io.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
