/**
 * The fields selectors read: enough to triage a record before it is fully parsed. Defined with the
 * event model, since parsing checks a record has them and the engine's selectors match on them.
 */
export interface EventHeader {
  eventSource: string;
  eventName: string;
  userIdentity: { type: string };
  errorCode?: string | undefined;
}
