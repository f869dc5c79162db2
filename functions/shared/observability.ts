import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

// Created once per container and shared by every handler, as Powertools recommends: the service
// name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
export const logger = new Logger({ serviceName: "vigil" });
export const metrics = new Metrics({ namespace: "Vigil", serviceName: "vigil" });
export const tracer = new Tracer({ serviceName: "vigil" });
