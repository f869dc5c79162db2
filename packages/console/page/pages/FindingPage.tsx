import { useEffect, useRef, useState } from "preact/hooks";
import { api, describeError } from "../api.ts";
import { ErrorMessage, Loading, Section, SeverityBadge, StatusBadge } from "../components.tsx";
import { formatTime, referenceHref, shortReference } from "../format.ts";
import { findingsHref } from "../router.ts";
import type { Finding, FindingDetail, TriageAction } from "../types.ts";
import { SourceEvents } from "./SourceEvents.tsx";

const ACTIONS: { action: TriageAction; label: string }[] = [
  { action: "acknowledge", label: "Acknowledge" },
  { action: "suppress", label: "Suppress" },
  { action: "resolve", label: "Resolve" },
  { action: "reopen", label: "Reopen" },
];

/** The CloudTrail fields the finding itself carries of the event(s) behind it; the records follow in their own section. */
function eventRecord(finding: Finding): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const keys = ["eventId", "eventIds", "eventTime", "eventSource", "eventName", "region", "sourceIPAddress", "principal", "resource", "account", "details"] as const;
  for (const key of keys) if (finding[key] !== undefined) record[key] = finding[key];
  return record;
}

export function FindingPage({ id }: { id: string }) {
  const [detail, setDetail] = useState<FindingDetail>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.getFinding(id).then(setDetail, setError);
  }, [id]);

  if (error !== undefined)
    return (
      <>
        <h1 tabIndex={-1}>Finding</h1>
        <ErrorMessage error={error} />
      </>
    );
  if (!detail)
    return (
      <>
        <h1 tabIndex={-1}>Finding</h1>
        <Loading what="the finding" />
      </>
    );
  const { finding, history } = detail;
  return (
    <>
      <p class="crumbs">
        <a href="/findings">All findings</a>
      </p>
      <h1 tabIndex={-1}>{finding.title}</h1>
      <p class="lede">
        <SeverityBadge severity={finding.severity} /> <span data-testid="finding-status"><StatusBadge status={finding.status} /></span> <span class="mono small">{finding.id}</span>
      </p>
      <p>{finding.summary}</p>

      <div class="finding-layout">
        <div class="column">
        <Section title="Who, what, where, when" id="facts">
          <dl class="facts">
            <dt>Who</dt>
            <dd class="mono wrap">
              <a href={findingsHref({ principal: finding.principal })}>{finding.principal}</a>
              {finding.sourceIPAddress ? <span class="muted"> from {finding.sourceIPAddress}</span> : null}
            </dd>
            <dt>What</dt>
            <dd>
              {finding.eventName ? <span class="mono">{finding.eventSource ? `${finding.eventSource} ` : ""}{finding.eventName}</span> : "Posture check"} on{" "}
              <a class="mono wrap" href={findingsHref({ resource: finding.resource })}>
                {finding.resource}
              </a>
            </dd>
            <dt>Where</dt>
            <dd>
              account <a href={findingsHref({ account: finding.account })} class="mono">{finding.account}</a>
              {finding.accountName ? ` (${finding.accountName})` : ""}, {finding.region}
              {finding.ouPath ? <span class="muted mono"> {finding.ouPath}</span> : null}
            </dd>
            <dt>When</dt>
            <dd>
              {finding.eventTime ? `event at ${formatTime(finding.eventTime)}, ` : ""}detected {formatTime(finding.detectedAt)}
              {finding.lastSeenAt ? `, last seen ${formatTime(finding.lastSeenAt)}` : ""}
            </dd>
            <dt>Rule</dt>
            <dd>
              <a href={findingsHref({ ruleId: finding.ruleId })} class="mono">{finding.ruleId}</a>
            </dd>
          </dl>
          <p>{finding.description}</p>
        </Section>


        <Section title="Remediation" id="remediation">
          <p>{finding.remediation}</p>
        </Section>



        <Section title="CloudTrail event" id="event">
          <p class="muted small">The event fields the finding records{finding.eventIds && finding.eventIds.length > 1 ? `, from ${finding.eventIds.length} events` : ""}.</p>
          <pre class="json" tabIndex={0} aria-label="The finding's event fields, as JSON">
            {JSON.stringify(eventRecord(finding), null, 2)}
          </pre>
        </Section>

        <Section title="CloudTrail records" id="records">
          <SourceEvents detail={detail} />
        </Section>
        </div>
        <div class="column">
        <Section title="Triage" id="triage">
          <Triage id={finding.id} onChanged={setDetail} />
        </Section>
        <Section title="History" id="history">
          <ol class="timeline" data-testid="history">
            {history.map((entry, index) => (
              <li key={index}>
                <time dateTime={entry.at}>{formatTime(entry.at)}</time> <span class="mono">{entry.actor}</span>{" "}
                <strong>{entry.action}</strong> {entry.from ? `${entry.from} → ` : ""}
                {entry.to}
                {entry.reason ? <span>: “{entry.reason}”</span> : null}
                {entry.until ? <span> until {formatTime(entry.until)}</span> : null}
              </li>
            ))}
          </ol>
        </Section>
        <Section title="References" id="references">
          {finding.references.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul>
              {finding.references.map((reference) => {
                const href = referenceHref(reference);
                const label = `${shortReference(reference)}: ${reference.title}`;
                return <li key={`${reference.framework}:${reference.id}`}>{href ? <a href={href} rel="noreferrer noopener" target="_blank">{label}<span class="visually-hidden"> (opens in a new tab)</span></a> : label}</li>;
              })}
            </ul>
          )}
        </Section>
        </div>
      </div>
    </>
  );
}

function Triage({ id, onChanged }: { id: string; onChanged: (detail: FindingDetail) => void }) {
  const [action, setAction] = useState<TriageAction>("acknowledge");
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const messageRef = useRef<HTMLParagraphElement>(null);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const body = { action, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(action === "suppress" && until ? { until: `${until.length === 16 ? `${until}:00` : until}Z` } : {}) };
      await api.triage(id, body);
      // The history as the API now has it.
      onChanged(await api.getFinding(id));
      setMessage({ ok: true, text: `Done: ${action} recorded.` });
      setReason("");
      setUntil("");
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={onSubmit} aria-label="Triage">
      <fieldset disabled={busy}>
        <legend>Action</legend>
        <div class="choices">
          {ACTIONS.map((choice) => (
            <label key={choice.action} class="choice">
              <input type="radio" name="action" value={choice.action} checked={action === choice.action} onChange={() => setAction(choice.action)} />
              {choice.label}
            </label>
          ))}
        </div>
        <label>
          Reason{action === "suppress" ? " (required)" : " (optional)"}
          <textarea name="reason" rows={2} maxLength={1000} required={action === "suppress"} value={reason} onInput={(event) => setReason((event.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        {action === "suppress" ? (
          <label>
            Suppressed until (UTC, optional)
            <input name="until" type="datetime-local" value={until} onInput={(event) => setUntil((event.currentTarget as HTMLInputElement).value)} />
          </label>
        ) : null}
        <button type="submit">Apply</button>
      </fieldset>
      <p ref={messageRef} role={message && !message.ok ? "alert" : "status"} class={message ? (message.ok ? "ok" : "error") : ""} data-testid="triage-message">
        {message?.text ?? ""}
      </p>
    </form>
  );
}
