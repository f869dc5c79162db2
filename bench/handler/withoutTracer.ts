import type { Plugin } from "esbuild";

/**
 * For a reference figure only: replaces Powertools Tracer (and so the X-Ray SDK it imports) with
 * no-ops, so the benchmark can show what Tracer costs a cold start. No deployed bundle uses it.
 */
export function withoutTracerPlugin(): Plugin {
  return {
    name: "vigil-bench-without-tracer",
    setup(build) {
      build.onResolve({ filter: /^@aws-lambda-powertools\/tracer(\/middleware)?$/ }, (args) => ({ path: args.path, namespace: "without-tracer" }));
      build.onLoad({ filter: /.*/, namespace: "without-tracer" }, (args) => ({
        contents: args.path.endsWith("/middleware")
          ? "export const captureLambdaHandler = () => ({ before() {} });"
          : "export class Tracer { captureAWSv3Client(client) { return client; } }",
        loader: "js",
      }));
    },
  };
}
