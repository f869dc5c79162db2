import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll } from "vitest";

/**
 * One dynalite for a test file: started before its tests, closed after them. Returns the running
 * server, for use inside tests and hooks (it is not running yet when the file is collected).
 */
export function useDynalite(): () => RunningDynalite {
  let running: RunningDynalite | undefined;
  beforeAll(async () => {
    running = await startDynalite();
  });
  afterAll(async () => {
    await running?.close();
  });
  return () => {
    if (!running) throw new Error("dynalite is not running: use it inside a test or a hook");
    return running;
  };
}
