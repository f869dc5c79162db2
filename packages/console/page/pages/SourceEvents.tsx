import type { FindingDetail, NotKeptReason, SourceEvent } from "../types.ts";

/** Why a record is missing, in words a person triaging the finding can act on. */
const NOT_KEPT: Record<NotKeptReason, string> = {
  notAtHand: "an earlier event of this rule's window: Vigil remembered only its id when the finding was made",
  overLimit: "Vigil keeps only the first few records of a finding made from many events",
  notRecorded: "the finding was stored without its records (by an earlier version of Vigil, or a writer that gave none)",
};

const bytes = (count: number) => `${count.toLocaleString("en-US")} bytes`;

function RecordView({ event }: { event: SourceEvent }) {
  const headingId = `record-${event.eventId}`;
  return (
    <div class="record">
      <h3 id={headingId} class="mono wrap">
        {event.eventId}
      </h3>
      {"cut" in event ? (
        <p class="muted small">
          Cut: this record is {bytes(event.cut.bytes)} of JSON and only its first {bytes(new TextEncoder().encode(event.cut.text).length)} were kept, shown as stored.
        </p>
      ) : null}
      {/* Focusable so a keyboard can scroll a long record. */}
      <pre class="json" tabIndex={0} aria-labelledby={headingId} data-testid="source-record">
        {"cut" in event ? `${event.cut.text}\n… (cut)` : JSON.stringify(event.record, null, 2)}
      </pre>
    </div>
  );
}

/** The CloudTrail records a finding was made from, pretty-printed, and which of its events have none and why. */
export function SourceEvents({ detail }: { detail: FindingDetail }) {
  const { finding, events, eventsNotKept } = detail;
  if (finding.eventId === undefined && events.length === 0) {
    return <p class="muted">A posture finding comes from the account's state, not from CloudTrail events.</p>;
  }
  return (
    <>
      {events.length === 0 ? <p class="muted">No record of its events was kept.</p> : events.map((event) => <RecordView key={event.eventId} event={event} />)}
      {eventsNotKept.length > 0 ? (
        <div data-testid="records-not-kept">
          <p>
            The {eventsNotKept.length === 1 ? "record of 1 event was" : `records of ${eventsNotKept.length} events were`} not kept:
          </p>
          <ul>
            {eventsNotKept.map(({ eventId, reason }) => (
              <li key={eventId}>
                <span class="mono wrap">{eventId}</span>: {NOT_KEPT[reason]}.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
