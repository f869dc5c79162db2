import { ConfigError, VigilError } from "@vigil/core";

/** A stage configuration file that fails validation; the message names the file and the bad key. */
export class StageConfigError extends ConfigError {}

/** A rule selecting events EventBridge cannot route as written, or a pattern that cannot fit its limits. */
export class EventPatternError extends VigilError {}

/** A plain-data table definition the stack cannot build (a key that is not among its attributes). */
export class TableDefinitionError extends VigilError {}

/** A spoke template CloudFormation would refuse (too large for a StackSet's TemplateBody). */
export class SpokeTemplateError extends VigilError {}
