import {
  type AnyRule,
  type ConfigInput,
  catalogue,
  Engine,
  extractRecords,
  type Finding,
  MemoryWindowStore,
  OrganizationDirectory,
  type OrganizationInventory,
  parseEvent,
  resolveConfig,
} from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { loadFixture } from "./fixtures.ts";

export const FIXED_NOW = new Date("2026-11-22T12:00:00.000Z");
const actions = loadActionIndex();

/** Runs the real engine, with the full catalogue and the real action index, over any envelope. */
export async function evaluateValue(
  value: unknown,
  options: { config?: ConfigInput; rules?: readonly AnyRule[]; organization?: OrganizationInventory } = {},
): Promise<Finding[]> {
  const rules = options.rules ?? catalogue;
  const directory = options.organization && new OrganizationDirectory(options.organization);
  const engine = new Engine({
    rules,
    config: resolveConfig(options.config ?? {}, rules),
    windows: new MemoryWindowStore(),
    now: () => FIXED_NOW,
    actions,
    ...(directory ? { organization: () => directory } : {}),
  });
  const findings: Finding[] = [];
  for (const item of extractRecords(value)) {
    if (item.kind === "error") throw new Error(`${item.at}: ${item.message}`);
    const result = await engine.evaluate(parseEvent(item.value, item.at));
    if (result.failures.length > 0) throw result.failures[0]?.error;
    findings.push(...result.findings);
  }
  return findings;
}

export function evaluateFixture(relativePath: string, options: { config?: ConfigInput; organization?: OrganizationInventory } = {}): Promise<Finding[]> {
  return evaluateValue(loadFixture(relativePath), options);
}

/** Findings of one rule only. */
export async function findingsOf(ruleId: string, relativePath: string, options: { config?: ConfigInput; organization?: OrganizationInventory } = {}) {
  return (await evaluateFixture(relativePath, options)).filter((finding) => finding.ruleId === ruleId);
}
