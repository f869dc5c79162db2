import { RemovalPolicy } from "aws-cdk-lib";
import type { StageConfig } from "./stageConfig.ts";

/** Production keeps its data when the stack goes; other stages clean up after themselves. */
export function removalPolicyFor(config: StageConfig): RemovalPolicy {
  return config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
