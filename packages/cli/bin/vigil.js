#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: one engine for the CLI and the
// Lambdas, no build step between a checkout and `npx vigil`.
import { register } from "tsx/esm/api";

// The SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22.
// Vigil pins its SDK in the lockfile, so the notice concerns whoever upgrades it, not this run's
// output; it stays visible when the variable is set to anything else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
