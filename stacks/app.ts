import type { App } from "sst/constructs";
import { stageConfigOf } from "./appConfig.ts";
import { StageConfigError } from "./errors.ts";
import { Forwarder } from "./Forwarder.ts";
import { HOME_REGION } from "./home.ts";
import { Monitor } from "./Monitor.ts";

/**
 * The stacks of one deployment. SST v2 deploys one region per run, so the region picks the stack:
 * the monitor in the home region, a forwarder in each forwarder region the stage configures.
 */
export function addVigilStacks(app: App): void {
  const config = stageConfigOf(app);
  if (app.region === HOME_REGION) app.stack(Monitor);
  else if (config.forwarderRegions.includes(app.region)) app.stack(Forwarder);
  else {
    throw new StageConfigError(
      `config/${app.stage}.json: region ${app.region} is neither the home region ${HOME_REGION} nor one of forwarderRegions (${config.forwarderRegions.join(", ")})`,
    );
  }
}
