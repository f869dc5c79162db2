import { randomUUID } from "node:crypto";
import { createRouter, type RuleCatalogue } from "@vigil/api";
import { catalogue, postureChecks, resolveConfig } from "@vigil/core";
import { openStore } from "../openStore.ts";
import { type ApiClient, readResponse } from "./ApiClient.ts";
import { localActor } from "./localActor.ts";

/** The rules as the defaults configure them, for callers that give no configuration file. */
function defaultRules(): RuleCatalogue {
  return { catalogue, checks: postureChecks, config: resolveConfig({}, catalogue) };
}

/**
 * The findings API over the embedded store, called in this process: the same router `vigil serve`
 * and the deployed API run, so local triage behaves exactly like remote triage.
 */
export async function openLocalApi(storeDir: string, rules: RuleCatalogue = defaultRules()): Promise<ApiClient> {
  const opened = await openStore(storeDir);
  const router = createRouter({ store: opened.store, rules });
  const actor = localActor();
  return {
    location: opened.location,
    async call(request) {
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const response = await router.handle({
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body }),
        actor,
        requestId: randomUUID(),
      });
      return readResponse(response.statusCode, response.body);
    },
    close: () => opened.close(),
  };
}
