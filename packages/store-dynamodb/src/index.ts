export * from "./errors.ts";
export * from "./tableDefinition.ts";
export * from "./stateTableDefinition.ts";
export * from "./FindingQuery.ts";
export * from "./FindingStore.ts";
export * from "./DynamoWindowStore.ts";
export { DELIVERY_CHANNELS, SWEPT_CHANNEL, type ClaimResult, type CompleteOptions, type Deliveries, type DeliveryChannel, type DeliveryState, type Lease, type ReleaseOptions } from "./outbox.ts";
