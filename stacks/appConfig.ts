import { join } from "node:path";
import { catalogue } from "@vigil/core";
import type { App } from "sst/constructs";
import { useProject } from "sst/project.js";
import { loadStageConfig, type StageConfig } from "./stageConfig.ts";

const configs = new WeakMap<App, StageConfig>();

/** The stage configuration of an app, read once from `config/<stage>.json` beside sst.config.ts. */
export function stageConfigOf(app: App): StageConfig {
  let config = configs.get(app);
  if (!config) {
    config = loadStageConfig(join(useProject().paths.root, "config"), app.stage, catalogue);
    configs.set(app, config);
  }
  return config;
}

/** Gives an app a configuration other than its stage's file (tests of settings the file does not have). */
export function setStageConfig(app: App, config: StageConfig): void {
  configs.set(app, config);
}
