export * from "./errors.ts";
export * from "./readEventMessage.ts";
export * from "./SnsDelivery.ts";
export * from "./EventEvaluator.ts";
export * from "./SlackDelivery.ts";
export * from "./remediationSettings.ts";
export * from "./PostureRunner.ts";
