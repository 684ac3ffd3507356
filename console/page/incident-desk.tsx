import { useState } from 'react';
import { postJson, useJson } from './api';
import type { PageUser } from './auth-types';
import { ago, DESK_REFRESH_MS, isJson, ReadOnlyNote, Refusal, Sla, useNow } from './desk-parts';
import { INCIDENT_FILTERS, type Incident, type IncidentAction, type IncidentFilter, type IncidentList, type ItemResult, type ResolveAnswer } from './desk-types';
import { LoadStatus } from './load-status';
import { PauseDesk } from './pause-desk';

/**
 * The incident desk (docs/console.md "Desks"): all fallout across orders, filtered by queue, system, error code,
 * step, order, account and age; retry, skip or complete a selection, or retry every incident the filter matches
 * (after a confirm). Each item's answer (resolved, or the workflow's refusal) is shown on its row. Below: pause steps.
 */

const FILTER_LABELS: Record<keyof IncidentFilter, string> = {
  queue: 'Queue',
  system: 'System',
  code: 'Error code',
  step: 'Step',
  order: 'Order',
  account: 'Account',
  olderThan: 'Older than',
};

const ACTION_HINTS: Record<IncidentAction, string> = {
  retry: 'run the step again from scratch',
  skip: 'let its dependents go on without it',
  complete: 'mark it done by hand (the work was done elsewhere)',
};

const key = (item: { orderId: string; stepId: string }) => `${item.orderId}-${item.stepId}`;

export function IncidentDesk({ user }: { user: PageUser }) {
  const [filter, setFilter] = useState<IncidentFilter>({});
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as Array<[string, string]>);
  const list = useJson<IncidentList>(`/api/incidents?${query}`, DESK_REFRESH_MS);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<Map<string, ItemResult>>(new Map());
  const [refusal, setRefusal] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const incidents = list.data?.incidents ?? [];
  const readOnly = list.data?.readOnly;
  const shownSelected = incidents.filter((incident) => selected.has(key(incident)));

  const [note, setNote] = useState('');
  const [outputText, setOutputText] = useState('');

  const resolve = async (action: IncidentAction, body: { items: Array<{ orderId: string; stepId: string }> } | { filter: IncidentFilter }) => {
    setRefusal(undefined);
    let output: unknown;
    if (action === 'complete' && outputText.trim()) {
      try {
        output = JSON.parse(outputText);
      } catch (error) {
        setRefusal(`the output for Complete is not JSON (${(error as Error).message}); fix it, or leave it empty`);
        return;
      }
    }
    setBusy(true);
    try {
      const answer = await postJson<ResolveAnswer>('/api/incidents/resolve', { action, ...body, ...(note.trim() ? { note: note.trim() } : {}), ...(output === undefined ? {} : { output }) });
      // The last action's answers only: an older answer would read as if it were about the row as it is now.
      setResults(new Map(answer.results.map((r) => [key(r), r] as const)));
      setSelected(new Set());
      const refused = answer.results.filter((r) => r.outcome === 'refused').length;
      if (answer.results.length === 0) setRefusal('nothing matched: no incident was resolved');
      else if (refused > 0) setRefusal(`${refused} of ${answer.results.length} refused: each row says why`);
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      setBusy(false);
      setConfirming(false);
      list.reload();
    }
  };
  const selection = () => ({ items: shownSelected.map(({ orderId, stepId }) => ({ orderId, stepId })) });
  const allSelected = incidents.length > 0 && shownSelected.length === incidents.length;
  const cannot = readOnly !== undefined || busy;
  // Rows resolved here stay listed (with their answer) until the next fetch no longer shows them.
  const answered = [...results.values()].filter((r) => !incidents.some((i) => key(i) === key(r)));

  return (
    <section className="desk incident-desk">
      <h1>Incidents</h1>
      <ReadOnlyNote reason={readOnly} />
      <div className="desk-filters">
        {INCIDENT_FILTERS.map((name) => (
          <label key={name}>
            {FILTER_LABELS[name]}{' '}
            <input
              data-testid={`incident-filter-${name}`}
              value={filter[name] ?? ''}
              placeholder={name === 'olderThan' ? '15m, 2h, 1d' : ''}
              onChange={(e) => setFilter((was) => ({ ...was, [name]: e.target.value.trim() }))}
            />
          </label>
        ))}
      </div>
      <div className="desk-actions">
        <label>
          Note{' '}
          <input data-testid="incident-note" value={note} placeholder="why (kept with the step)" disabled={readOnly !== undefined} onChange={(e) => setNote(e.target.value)} />
        </label>
        <label>
          Output for Complete{' '}
          <input data-testid="incident-output" className={outputText.trim() && !isJson(outputText) ? 'invalid' : ''} value={outputText} placeholder='{"done": true}' disabled={readOnly !== undefined} onChange={(e) => setOutputText(e.target.value)} />
        </label>
        <button type="button" data-testid="batch-retry" disabled={cannot || shownSelected.length === 0} title={readOnly} onClick={() => resolve('retry', selection())}>
          Retry selected ({shownSelected.length})
        </button>
        <button type="button" data-testid="batch-skip" disabled={cannot || shownSelected.length === 0} title={readOnly} onClick={() => resolve('skip', selection())}>
          Skip selected ({shownSelected.length})
        </button>
        {!confirming ? (
          <button type="button" data-testid="batch-retry-all" disabled={cannot || incidents.length === 0} title={readOnly} onClick={() => setConfirming(true)}>
            Retry all matching ({incidents.length})
          </button>
        ) : (
          <span className="desk-confirm" data-testid="batch-retry-all-confirm-box">
            Retry every incident the filter matches now ({incidents.length} shown{Object.values(filter).some(Boolean) ? '' : ', no filter: all fallout'})?{' '}
            <button type="button" data-testid="batch-retry-all-confirm" disabled={busy} onClick={() => resolve('retry', { filter: withoutEmpty(filter) })}>
              Retry all
            </button>
            <button type="button" data-testid="batch-retry-all-cancel" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
      </div>
      <Refusal message={refusal} onDismiss={() => setRefusal(undefined)} />
      <LoadStatus of={list} refusalTestId="desk-list-error" />
      {list.data && (
        <table data-testid="incident-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  data-testid="incident-select-all"
                  checked={allSelected}
                  disabled={incidents.length === 0}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(incidents.map(key)))}
                />
              </th>
              <th>Order</th>
              <th>Step</th>
              <th>Account</th>
              <th>System</th>
              <th>Error</th>
              <th>Queue</th>
              <th>Age</th>
              <th>Result</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {incidents.length === 0 && (
              <tr>
                <td colSpan={10} className="desk-empty" data-testid="incident-empty">No incidents match.</td>
              </tr>
            )}
            {incidents.map((incident) => (
              <IncidentRow
                key={key(incident)}
                incident={incident}
                now={now}
                selected={selected.has(key(incident))}
                toggle={() => setSelected((was) => toggled(was, key(incident)))}
                result={results.get(key(incident))}
                disabled={cannot}
                readOnly={readOnly}
                resolve={(action) => resolve(action, { items: [{ orderId: incident.orderId, stepId: incident.stepId }] })}
              />
            ))}
            {answered.map((result) => (
              <tr key={`answered-${key(result)}`} className="answered">
                <td />
                <td>{result.orderId}</td>
                <td>{result.stepId}</td>
                <td colSpan={5} />
                <td>
                  <ResultCell result={result} />
                </td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PauseDesk user={user} />
    </section>
  );
}

function IncidentRow(props: { incident: Incident; now: number; selected: boolean; toggle: () => void; result?: ItemResult; disabled: boolean; readOnly?: string; resolve: (action: IncidentAction) => void }) {
  const { incident, now } = props;
  const id = key(incident);
  return (
    <tr data-testid={`incident-${id}`}>
      <td>
        <input type="checkbox" data-testid={`incident-select-${id}`} checked={props.selected} onChange={props.toggle} />
      </td>
      <td>
        {incident.fulfillmentOrderId === 'sync' ? incident.orderId : <a href={`#/orders/${encodeURIComponent(incident.orderId)}`}>{incident.orderId}</a>}
      </td>
      <td title={incident.definition}>{incident.stepId}</td>
      <td>{incident.accountId}</td>
      <td>{incident.system}</td>
      <td className="error" title={incident.error?.message}>
        {incident.error?.code && <code>{incident.error.code}</code>} {incident.error?.message}
      </td>
      <td className="queue">{incident.falloutQueue}</td>
      <td>
        {ago(incident.startedAt, now)}
        {/* The SLA's deadlines are the running step's; an incident only keeps whether it was marked. */}
        {incident.jeopardy !== 'none' && (
          <>
            {' '}
            <Sla item={incident} now={now} />
          </>
        )}
      </td>
      <td>{props.result && <ResultCell result={props.result} />}</td>
      <td className="row-actions">
        {(['retry', 'skip', 'complete'] as const).map((action) => (
          <button key={action} type="button" data-testid={`${action}-${id}`} disabled={props.disabled} title={props.readOnly ?? ACTION_HINTS[action]} onClick={() => props.resolve(action)}>
            {action[0]!.toUpperCase() + action.slice(1)}
          </button>
        ))}
      </td>
    </tr>
  );
}

function ResultCell({ result }: { result: ItemResult }) {
  return (
    <span className={`result result-${result.outcome}`} data-testid={`incident-result-${key(result)}`} data-outcome={result.outcome}>
      {result.outcome === 'resolved' ? 'resolved' : `refused: ${result.reason}`}
    </span>
  );
}

function toggled(set: Set<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function withoutEmpty(filter: IncidentFilter): IncidentFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as IncidentFilter;
}
