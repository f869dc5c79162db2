import { userInfo } from "node:os";

/** Who triages through the local API: the OS user running Vigil. */
export function localActor(env: NodeJS.ProcessEnv = process.env): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is all there is.
    name = env.USER ?? env.USERNAME;
  }
  return `local:${name || "unknown"}`;
}
