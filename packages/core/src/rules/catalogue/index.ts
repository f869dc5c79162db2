import type { AnyRule } from "../Rule.ts";
import { iamUserCreated } from "./iam-user-created.ts";
import { rootConsoleLogin } from "./root-console-login.ts";

/** Every rule Vigil ships, in the order `vigil rules` lists them. */
export const catalogue: readonly AnyRule[] = [
  rootConsoleLogin,
  iamUserCreated,
];
