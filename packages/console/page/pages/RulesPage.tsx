import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { ErrorMessage, Loading, SeverityBadge } from "../components.tsx";
import { referenceHref, shortReference } from "../format.ts";
import { findingsHref } from "../router.ts";
import type { RuleView } from "../types.ts";

export function RulesPage() {
  const [rules, setRules] = useState<RuleView[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.rules().then((answer) => setRules(answer.rules), setError);
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Rules</h1>
      <p>The rule catalogue and the posture checks, with the configuration in effect (severity overrides, switches and parameters with defaults filled in).</p>
      {error !== undefined ? (
        <ErrorMessage error={error} />
      ) : !rules ? (
        <Loading what="the rules" />
      ) : (
        <div class="scroll">
          <table class="rules">
            <caption>{rules.length} rules and checks</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Kind</th>
                <th scope="col">Severity</th>
                <th scope="col">Enabled</th>
                <th scope="col">Parameters</th>
                <th scope="col">References</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <th scope="row">
                    <a href={findingsHref({ ruleId: rule.id })} class="mono">
                      {rule.id}
                    </a>
                    <div class="muted">{rule.title}</div>
                  </th>
                  <td>{rule.kind}</td>
                  <td>
                    <SeverityBadge severity={rule.severity} />
                  </td>
                  <td>{rule.enabled ? "yes" : "no"}</td>
                  <td class="mono small">{Object.keys(rule.params).length === 0 ? "—" : Object.entries(rule.params).map(([key, value]) => <div key={key}>{`${key}: ${JSON.stringify(value)}`}</div>)}</td>
                  <td class="small">
                    {rule.references.map((reference) => {
                      const href = referenceHref(reference);
                      return (
                        <div key={`${reference.framework}:${reference.id}`}>
                          {href ? (
                            <a href={href} rel="noreferrer noopener" target="_blank" title={reference.title}>
                              {shortReference(reference)}
                              <span class="visually-hidden"> {reference.title} (opens in a new tab)</span>
                            </a>
                          ) : (
                            shortReference(reference)
                          )}
                        </div>
                      );
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
