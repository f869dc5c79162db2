import type { AnyRule } from "../Rule.ts";
import { iamUserCreated } from "./iam-user-created.ts";
import { rootConsoleLogin } from "./root-console-login.ts";

/** Sign-in, root, users and credentials. */
export const identityRules: readonly AnyRule[] = [rootConsoleLogin, iamUserCreated];
