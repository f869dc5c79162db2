#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: one engine for the CLI and the
// Lambdas, no build step between a checkout and `npx vigil`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
