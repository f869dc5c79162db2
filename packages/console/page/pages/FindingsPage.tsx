import { useEffect, useRef, useState } from "preact/hooks";
import { api, describeError } from "../api.ts";
import { ErrorMessage, Loading, SeverityBadge, StatusBadge } from "../components.tsx";
import { findingTime, formatTime } from "../format.ts";
import { findingHref, findingsHref, navigate } from "../router.ts";
import { type FindingPage, type RuleView, SEVERITIES, STATUSES, type TriageAction } from "../types.ts";

/** The API's filters, all kept in the URL: a view can be shared and reloaded. */
export const FILTERS = ["status", "severity", "ruleId", "principal", "resource", "account", "since", "until", "limit"] as const;
type Filter = (typeof FILTERS)[number];

/** Cursors of the pages before this one, per query, so Previous can go back (after a reload, Previous goes to the first page). */
const previousCursors = new Map<string, string[]>();

function filtersOf(query: URLSearchParams): Partial<Record<Filter, string>> {
  const filters: Partial<Record<Filter, string>> = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

/** `2026-11-01T10:00:00Z` as a datetime-local input shows it (UTC), and back. */
const toInput = (iso: string | undefined) => (iso && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? iso.slice(0, 16) : "");
const fromInput = (value: string) => (value ? `${value.length === 16 ? `${value}:00` : value}Z` : "");

export function FindingsPage({ query }: { query: URLSearchParams }) {
  const filters = filtersOf(query);
  const cursor = query.get("cursor") ?? undefined;
  const key = findingsHref(filters);
  const [page, setPage] = useState<FindingPage>();
  const [error, setError] = useState<unknown>();
  const [rules, setRules] = useState<RuleView[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<string>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    api.rules().then((answer) => setRules(answer.rules), () => setRules([]));
  }, []);
  useEffect(() => {
    setPage(undefined);
    setError(undefined);
    setSelected(new Set());
    api.listFindings({ ...filters, ...(cursor ? { cursor } : {}) } as Record<string, string>).then(setPage, setError);
  }, [query.toString(), reload]);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next[name] = name === "since" || name === "until" ? fromInput(value) : value;
    }
    setOutcome(undefined);
    navigate(findingsHref(next));
  };

  const stack = previousCursors.get(key) ?? [];
  const goNext = () => {
    if (!page?.cursor) return;
    previousCursors.set(key, [...stack, cursor ?? ""]);
    navigate(findingsHref({ ...filters, cursor: page.cursor }));
  };
  const goPrevious = () => {
    const before = [...stack];
    const target = before.pop();
    previousCursors.set(key, before);
    navigate(findingsHref({ ...filters, cursor: target || undefined }));
  };

  const items = page?.items ?? [];
  const allSelected = items.length > 0 && items.every((f) => selected.has(f.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <>
      <h1 tabIndex={-1}>Findings</h1>
      <form key={key} class="filters card" onSubmit={onSubmit} aria-label="Filters">
        <div class="fields">
          <label>
            Status
            <select name="status">
              <option value="">any</option>
              {STATUSES.map((status) => (
                <option key={status} value={status} selected={filters.status === status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <label>
            Severity (at or above)
            <select name="severity">
              <option value="">any</option>
              {SEVERITIES.map((severity) => (
                <option key={severity} value={severity} selected={filters.severity === severity}>
                  {severity}
                </option>
              ))}
            </select>
          </label>
          <label>
            Rule
            <select name="ruleId">
              <option value="">any</option>
              {filters.ruleId && !rules.some((rule) => rule.id === filters.ruleId) ? <option value={filters.ruleId} selected>
                  {filters.ruleId}
                </option> : null}
              {rules.map((rule) => (
                <option key={rule.id} value={rule.id} selected={filters.ruleId === rule.id}>
                  {rule.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            Principal (ARN)
            <input name="principal" type="text" defaultValue={filters.principal ?? ""} spellcheck={false} />
          </label>
          <label>
            Resource (ARN)
            <input name="resource" type="text" defaultValue={filters.resource ?? ""} spellcheck={false} />
          </label>
          <label>
            Account
            <input name="account" type="text" inputMode="numeric" pattern="\d{12}" title="A 12-digit AWS account id" defaultValue={filters.account ?? ""} />
          </label>
          <label>
            Since (UTC)
            <input name="since" type="datetime-local" defaultValue={toInput(filters.since)} />
          </label>
          <label>
            Until (UTC)
            <input name="until" type="datetime-local" defaultValue={toInput(filters.until)} />
          </label>
          <label>
            Per page
            <select name="limit">
              <option value="">50</option>
              {["5", "10", "25", "100"].map((limit) => (
                <option key={limit} value={limit} selected={filters.limit === limit}>
                  {limit}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <a href="/findings">Clear</a>
        </div>
      </form>

      {error !== undefined ? (
        <ErrorMessage error={error} />
      ) : !page ? (
        <Loading what="findings" />
      ) : (
        <>
          <BulkActions
            selected={[...selected]}
            onDone={(message) => {
              setOutcome(message);
              setReload(reload + 1);
            }}
          />
          <p role="status" class="outcome" data-testid="bulk-outcome">
            {outcome ?? ""}
          </p>
          {items.length === 0 ? (
            <p>No findings match these filters{cursor ? " on this page" : ""}.</p>
          ) : (
            <div class="scroll">
              <table class="findings" aria-describedby="findings-count">
                <caption id="findings-count">
                  {items.length} findings on this page, newest first{selected.size > 0 ? `; ${selected.size} selected` : ""}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <input type="checkbox" aria-label="Select every finding on this page" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((f) => f.id)))} />
                    </th>
                    <th scope="col">Time</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Finding</th>
                    <th scope="col">Principal</th>
                    <th scope="col">Account</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((finding) => (
                    <tr key={finding.id} data-finding-id={finding.id}>
                      <td>
                        <input type="checkbox" aria-label={`Select ${finding.title} (${finding.id})`} checked={selected.has(finding.id)} onChange={() => toggle(finding.id)} />
                      </td>
                      <td class="nowrap">{formatTime(findingTime(finding))}</td>
                      <td>
                        <SeverityBadge severity={finding.severity} />
                      </td>
                      <td>
                        <a href={findingHref(finding.id)}>{finding.title}</a>
                        <div class="muted small">{finding.summary}</div>
                      </td>
                      <td class="mono wrap">{finding.principal}</td>
                      <td class="mono">{finding.account}</td>
                      <td>
                        <StatusBadge status={finding.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label="Pages">
            <button type="button" onClick={goPrevious} disabled={!cursor}>
              Previous page
            </button>
            <button type="button" onClick={goNext} disabled={!page.cursor}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function BulkActions({ selected, onDone }: { selected: string[]; onDone: (message: string) => void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const reasonField = useRef<HTMLInputElement>(null);

  const run = async (action: TriageAction) => {
    if (action === "suppress" && !reason.trim()) {
      onDone("Suppressing needs a reason: write one first.");
      reasonField.current?.focus();
      return;
    }
    setBusy(true);
    const refused: string[] = [];
    let done = 0;
    for (const id of selected) {
      try {
        await api.triage(id, { action, ...(reason.trim() ? { reason: reason.trim() } : {}) });
        done++;
      } catch (error) {
        refused.push(`${id}: ${describeError(error)}`);
      }
    }
    setBusy(false);
    const verb = action === "acknowledge" ? "Acknowledged" : "Suppressed";
    onDone(`${verb} ${done} of ${selected.length} findings.${refused.length ? ` Refused: ${refused.join(" ")}` : ""}`);
  };

  return (
    <fieldset class="bulk card" disabled={busy}>
      <legend>Selected findings ({selected.length})</legend>
      <label>
        Reason
        <input ref={reasonField} type="text" name="bulk-reason" value={reason} onInput={(event) => setReason((event.currentTarget as HTMLInputElement).value)} maxLength={1000} />
      </label>
      <button type="button" disabled={selected.length === 0} onClick={() => void run("acknowledge")}>
        Acknowledge selected
      </button>
      <button type="button" disabled={selected.length === 0} onClick={() => void run("suppress")}>
        Suppress selected
      </button>
    </fieldset>
  );
}
