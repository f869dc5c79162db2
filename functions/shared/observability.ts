import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

// Created once per container and shared by the handler's middleware, as Powertools recommends. The
// stack names each function's service and the metrics namespace (POWERTOOLS_SERVICE_NAME,
// POWERTOOLS_METRICS_NAMESPACE), so the same code logs as vigil-evaluate, vigil-notifySlack, ...
export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();
