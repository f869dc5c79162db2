import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { metrics } from "./observability.ts";

/** Adds `value` to the invocation's count `name`, flushed when the handler ends. */
export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** One count of `name` under a dimension, in an entry of its own (emitted at once) so the dimension stays off the invocation's other metrics. */
export function countBy(name: string, dimension: string, value: string): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
