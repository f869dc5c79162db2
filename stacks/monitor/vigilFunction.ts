import { iamActionsPlugin } from "@vigil/iam-actions";
import { Duration } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { Function } from "sst/constructs";
import { removalPolicyFor } from "../removal.ts";
import type { StageConfig } from "../stageConfig.ts";

const RUNTIME = "nodejs22.x";
const ARCHITECTURE = "arm_64";
/** Namespace of the metrics the handlers emit through Powertools. */
export const METRICS_NAMESPACE = "Vigil";

/** The Powertools service name of a function, which its logs carry and its metrics have as the `service` dimension. */
export function serviceName(service: string): string {
  return `vigil-${service}`;
}

export interface VigilFunctionProps {
  /** `functions/<file>.handler`: the stacks know handlers by path only. */
  handler: string;
  /** Short name: the Powertools service name is `vigil-<service>`. */
  service: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  /** The handler's variables, typed by its schema (`satisfies EnvironmentVariables<typeof evaluateEnvironment>`) so the two cannot drift apart. */
  environment: Record<string, string>;
  /**
   * What the function may do besides writing its logs, statement by statement: no `grant*` helper
   * and no wildcard action beyond the KMS data-key family, so that every action and resource is
   * visible in the function's module and in the stack tests. Queue consumption is added by the SQS
   * event source, scoped to its own queue.
   */
  statements: PolicyStatement[];
}

export interface VigilFunction {
  fn: Function;
  /** The function's own role: it holds exactly the statements added to it, and no managed policy. */
  role: Role;
  logGroup: LogGroup;
}

/**
 * A Vigil Lambda function: Node.js 22 on Graviton, X-Ray tracing on, its own log group (kept a year
 * in production) and its own role, which may write to that log group and do what `statements` say.
 */
export function createVigilFunction(scope: Construct, id: string, props: VigilFunctionProps, config: StageConfig): VigilFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: config.production ? RetentionDays.ONE_YEAR : RetentionDays.TWO_WEEKS,
    removalPolicy: removalPolicyFor(config),
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
    description: `Vigil ${props.service} function`,
  });
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.logGroupArn] }),
  );
  const fn = new Function(scope, id, {
    handler: props.handler,
    description: props.description,
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    tracing: "active",
    timeout: props.timeout.toSeconds(),
    memorySize: props.memorySize,
    role,
    logGroup,
    environment: {
      POWERTOOLS_SERVICE_NAME: serviceName(props.service),
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      LOG_LEVEL: "INFO",
      ...props.environment,
    },
    nodejs: {
      format: "esm",
      minify: true,
      // Chunks: what a function only imports dynamically (the SDK's other credential providers, the
      // IAM client for an omitted policy) stays out of the cold start. bench/handler/bundle.ts
      // builds the same way.
      splitting: true,
      // SST's ESM default target is esnext; the runtime is Node 22. The plugin embeds the IAM action
      // index compactly, since the data package reads its files at run time. bowser parses a
      // browser's user agent for the SDK; nothing imports it on Node, and it would be a 37 kB chunk.
      esbuild: { target: "node22", external: ["bowser"], plugins: [iamActionsPlugin()] },
    },
  });
  for (const statement of props.statements) role.addToPrincipalPolicy(statement);
  return { fn, role, logGroup };
}
