import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import { findingsHref } from "./router.ts";
import { SEVERITIES, type Severity } from "./types.ts";

const COLORS: Record<Severity, string> = { CRITICAL: "#b3261e", HIGH: "#d0561b", MEDIUM: "#a07800", LOW: "#2e6fb7", INFO: "#5f6368" };

/**
 * New findings per day by severity: a uPlot chart (canvas, so it carries an accessible name and
 * is hidden from assistive technology), and the same numbers as a table, shown on demand, each
 * a link to the day's findings.
 */
export function NewFindingsChart({ days, perDay }: { days: string[]; perDay: Record<Severity, number>[] }) {
  const holder = useRef<HTMLDivElement>(null);
  const [showTable, setShowTable] = useState(false);
  const total = perDay.reduce((sum, day) => sum + SEVERITIES.reduce((s, severity) => s + day[severity], 0), 0);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const data: uPlot.AlignedData = [days.map((day) => Date.parse(day) / 1000), ...SEVERITIES.map((severity) => perDay.map((day) => day[severity]))];
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth || 640),
        height: 240,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : "")) }],
        series: [{}, ...SEVERITIES.map((severity) => ({ label: severity, stroke: COLORS[severity], width: 2, points: { show: true, size: 5 } }))],
      },
      data,
      element,
    );
    return () => plot.destroy();
  }, [days, perDay]);

  return (
    <figure class="chart">
      <div ref={holder} role="img" aria-label={`Chart of new findings per day over the last ${days.length} days, by severity: ${total} in all. The table below gives the numbers.`} />
      <figcaption>
        <ul class="legend" aria-label="Legend">
          {SEVERITIES.map((severity) => (
            <li key={severity}>
              <span class="swatch" data-severity={severity.toLowerCase()} aria-hidden="true" />
              {severity}
            </li>
          ))}
        </ul>
        <button type="button" aria-expanded={showTable} aria-controls="per-day-table" onClick={() => setShowTable(!showTable)}>
          {showTable ? "Hide the numbers" : "Show the numbers as a table"}
        </button>
      </figcaption>
      <div id="per-day-table" hidden={!showTable} class="scroll">
        <table>
          <caption>New findings per day, by severity</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              {SEVERITIES.map((severity) => (
                <th scope="col" key={severity}>
                  {severity}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day, index) => {
              const until = index + 1 < days.length ? days[index + 1]! : new Date(Date.parse(day) + 86_400_000).toISOString().replace(".000Z", "Z");
              return (
                <tr key={day}>
                  <th scope="row">{day.slice(0, 10)}</th>
                  {SEVERITIES.map((severity) => (
                    <td key={severity}>{perDay[index]![severity] > 0 ? <a href={findingsHref({ since: day, until, severity })}>{perDay[index]![severity]}</a> : 0}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
