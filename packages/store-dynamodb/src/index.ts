export * from "./errors.ts";
export * from "./tableDefinition.ts";
export * from "./stateTableDefinition.ts";
export * from "./FindingQuery.ts";
export * from "./FindingStore.ts";
export * from "./DynamoWindowStore.ts";
export { DELIVERY_CHANNELS, SWEPT_CHANNEL, type ClaimResult, type CompleteOptions, type Deliveries, type DeliveryChannel, type DeliveryState, type Lease, type ReleaseOptions } from "./outbox.ts";
export { TRIAGE_ACTIONS, TRANSITIONS, allowedActions, type HistoryAction, type HistoryEntry, type TransitionRequest, type TransitionResult, type TriageAction } from "./triage.ts";
export { MAX_SUMMARY_RULES, type FindingSummary, type SummaryOptions } from "./summary.ts";
