export * from "./AsffFinding.ts";
export * from "./asffLimits.ts";
export * from "./asffTypes.ts";
export * from "./attackTactics.ts";
export * from "./findingKind.ts";
export * from "./resourceArn.ts";
export * from "./toAsff.ts";
