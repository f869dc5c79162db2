import { useEffect, useState } from "preact/hooks";
import { api, collectFindings } from "../api.ts";
import { NewFindingsChart } from "../chart.tsx";
import { ErrorMessage, Loading, Section, SeverityBadge } from "../components.tsx";
import { findingTime } from "../format.ts";
import { findingsHref } from "../router.ts";
import { type Finding, type RuleView, SEVERITIES, type Severity, type Summary } from "../types.ts";

/** The most findings the overview reads to count what /summary does not: beyond it, the figures say they are partial. */
export const OVERVIEW_CAP = 2000;
const DAYS = 30;
const TOP = 10;

interface OverviewData {
  summary: Summary;
  open: Finding[];
  openComplete: boolean;
  recent: Finding[];
  recentComplete: boolean;
  days: string[];
  rules: RuleView[];
}

/** The first instants of the last DAYS days (UTC), oldest first, today included. */
function lastDays(now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: DAYS }, (_, n) => new Date(today - (DAYS - 1 - n) * 86_400_000).toISOString().replace(".000Z", "Z"));
}

async function load(): Promise<OverviewData> {
  const days = lastDays();
  const [summary, open, recent, rules] = await Promise.all([
    api.summary(),
    collectFindings({ status: "open" }, OVERVIEW_CAP),
    collectFindings({ since: days[0]! }, OVERVIEW_CAP),
    api.rules(),
  ]);
  return { summary, open: open.items, openComplete: open.complete, recent: recent.items, recentComplete: recent.complete, days, rules: rules.rules };
}

function top(findings: Finding[], key: (finding: Finding) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(key(finding), (counts.get(key(finding)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP);
}

export function OverviewPage() {
  const [data, setData] = useState<OverviewData>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    load().then(setData, setError);
  }, []);

  return (
    <>
      <h1 tabIndex={-1}>Overview</h1>
      {error !== undefined ? <ErrorMessage error={error} /> : !data ? <Loading what="the overview" /> : <Overview data={data} />}
    </>
  );
}

function Overview({ data }: { data: OverviewData }) {
  const openBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, data.open.filter((f) => f.severity === severity).length])) as Record<Severity, number>;
  const partial = !data.openComplete ? <p class="note">Counted over the newest {OVERVIEW_CAP} open findings only.</p> : null;
  const perDay = data.days.map((day, index) => {
    const start = Date.parse(day);
    const end = index + 1 < data.days.length ? Date.parse(data.days[index + 1]!) : start + 86_400_000;
    const ofDay = data.recent.filter((f) => {
      const time = Date.parse(findingTime(f));
      return time >= start && time < end;
    });
    return Object.fromEntries(SEVERITIES.map((severity) => [severity, ofDay.filter((f) => f.severity === severity).length])) as Record<Severity, number>;
  });
  const openByRule = top(data.open, (f) => f.ruleId);
  const posture = data.rules.filter((rule) => rule.kind === "posture");

  return (
    <div class="grid">
      <Section title="Open findings by severity" id="by-severity">
        <p class="big">
          <a href={findingsHref({ status: "open" })} data-testid="open-total">
            {data.summary.byStatus.open}
          </a>{" "}
          open findings
        </p>
        <table class="counts">
          <caption class="visually-hidden">Open findings by severity</caption>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Open</th>
            </tr>
          </thead>
          <tbody>
            {SEVERITIES.map((severity) => (
              <tr key={severity}>
                <th scope="row">
                  <SeverityBadge severity={severity} />
                </th>
                <td>
                  <a href={findingsHref({ status: "open", severity })} data-testid={`open-${severity}`} aria-label={`${openBySeverity[severity]} open ${severity} findings (the list shows ${severity} and above)`}>
                    {openBySeverity[severity]}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {partial}
      </Section>

      <Section title="Top rules by open findings" id="top-rules">
        <TopList rows={openByRule} empty="No open findings." href={(ruleId) => findingsHref({ status: "open", ruleId })} label="Rule" />
      </Section>

      <Section title="Top principals by open findings" id="top-principals">
        <TopList rows={top(data.open, (f) => f.principal)} empty="No open findings." href={(principal) => findingsHref({ status: "open", principal })} label="Principal" />
      </Section>

      <Section title="Top accounts by open findings" id="top-accounts">
        <TopList
          rows={top(data.open, (f) => f.account)}
          empty="No open findings."
          href={(account) => findingsHref({ status: "open", account })}
          label="Account"
          name={(account) => data.summary.byAccount[account]?.accountName}
        />
      </Section>

      <Section title={`New findings per day, last ${DAYS} days`} id="per-day">
        <NewFindingsChart days={data.days} perDay={perDay} />
        {!data.recentComplete ? <p class="note">Counted over the newest {OVERVIEW_CAP} findings of the period only.</p> : null}
      </Section>

      <Section title="Posture checks" id="posture">
        <table>
          <caption class="visually-hidden">Posture status per check</caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Status</th>
              <th scope="col">Open findings</th>
            </tr>
          </thead>
          <tbody>
            {posture.map((check) => {
              const open = data.open.filter((f) => f.ruleId === check.id).length;
              return (
                <tr key={check.id}>
                  <th scope="row">
                    <span class="mono">{check.id}</span> <span class="muted">{check.title}</span>
                  </th>
                  <td>{!check.enabled ? "switched off" : open > 0 ? <strong class="failing">failing</strong> : <span class="passing">passing</span>}</td>
                  <td>
                    <a href={findingsHref({ status: "open", ruleId: check.id })} aria-label={`${open} open findings of ${check.id}`}>
                      {open}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {partial}
      </Section>
    </div>
  );
}

function TopList(props: { rows: [string, number][]; empty: string; href: (key: string) => string; label: string; name?: (key: string) => string | undefined }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{props.label}</th>
          <th scope="col">Open</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map(([key, count]) => (
          <tr key={key}>
            <th scope="row" class="mono wrap">
              {key}
              {props.name?.(key) ? <span class="muted"> ({props.name(key)})</span> : null}
            </th>
            <td>
              <a href={props.href(key)} aria-label={`${count} open findings of ${key}`}>
                {count}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
