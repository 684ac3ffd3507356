import { useState } from 'react';
import { postJson, useJson } from './api';
import type { PageUser } from './auth-types';
import { ago, DESK_REFRESH_MS, Refusal, Sla, useNow } from './desk-parts';
import type { Pause, PauseList, ResumeAnswer } from './desk-types';
import { LoadStatus } from './load-status';

/**
 * Pause steps waiting across running orders (docs/console.md "Desks"), shown on the incident desk. One waiting for a
 * signal can be resumed here (the `resume` update, as `ordo resume ORDER NAME`); one waiting for a condition on
 * attributes goes on when the attributes say so (`ordo attributes`), so it has no button. The incident desk above
 * says when the user is read-only; the buttons here are disabled with the reason as their title.
 */
export function PauseDesk({ user }: { user: PageUser }) {
  const list = useJson<PauseList>('/api/pauses', DESK_REFRESH_MS);
  const [refusal, setRefusal] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const readOnly = list.data?.readOnly;

  const resume = async (pause: Pause, name: string) => {
    setRefusal(undefined);
    setDone(undefined);
    setBusy(true);
    try {
      const answer = await postJson<ResumeAnswer>('/api/pauses/resume', { orderId: pause.orderId, name });
      setDone(`${answer.orderId}: "${name}" resumed ${answer.waitingSteps.join(', ')} (by ${user.name})`);
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      setBusy(false);
      list.reload();
    }
  };

  return (
    <section className="desk pause-desk">
      <h2>Pause steps</h2>
      <Refusal message={refusal} onDismiss={() => setRefusal(undefined)} />
      {done && <p className="desk-done" data-testid="pause-done">{done}</p>}
      <LoadStatus of={list} refusalTestId="desk-list-error" />
      {list.data && (
        <table data-testid="pause-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Step</th>
              <th>Resumes on</th>
              <th>Waiting</th>
              <th>SLA</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.pauses.length === 0 && (
              <tr>
                <td colSpan={6} className="desk-empty">No pause step is waiting.</td>
              </tr>
            )}
            {list.data.pauses.map((pause) => {
              const signal = pause.resumeOn && 'signal' in pause.resumeOn ? pause.resumeOn.signal : undefined;
              return (
                <tr key={`${pause.orderId}/${pause.fulfillmentOrderId}/${pause.stepId}`} data-testid={`pause-${pause.orderId}-${pause.stepId}`}>
                  <td>
                    <a href={`#/orders/${encodeURIComponent(pause.orderId)}`}>{pause.orderId}</a>
                  </td>
                  <td title={pause.definition}>{pause.stepId}</td>
                  <td>
                    {signal !== undefined && (
                      <>
                        signal <code>{signal}</code>
                      </>
                    )}
                    {pause.resumeOn && 'condition' in pause.resumeOn && (
                      <>
                        <code>{pause.resumeOn.condition.field}</code> = <code>{JSON.stringify(pause.resumeOn.condition.equals)}</code>
                      </>
                    )}
                  </td>
                  <td>{ago(pause.startedAt, now)}</td>
                  <td>
                    <Sla item={pause} now={now} />
                  </td>
                  <td>
                    {signal !== undefined ? (
                      <button type="button" data-testid={`resume-${pause.orderId}-${signal}`} disabled={busy || readOnly !== undefined} title={readOnly ?? `send "${signal}" to the order`} onClick={() => resume(pause, signal)}>
                        Resume
                      </button>
                    ) : (
                      <span className="hint">goes on when the attributes match (ordo attributes)</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
