import { useState } from 'react';
import { postJson, useJson } from './api';
import type { PageUser } from './auth-types';
import { ago, DESK_REFRESH_MS, isJson, ReadOnlyNote, Refusal, Sla, useNow } from './desk-parts';
import type { DeskTask, TaskList } from './desk-types';
import { LoadStatus } from './load-status';

/**
 * The operator's task inbox (docs/console.md "Desks"): open manual tasks of the user's queues (or of one queue, to
 * look at), with the SLA counting down live, and Complete with an optional JSON output. The workflow decides who
 * may complete what; its refusal is shown as it gave it.
 */
export function TaskInbox({ user }: { user: PageUser }) {
  const [queue, setQueue] = useState('');
  const [mine, setMine] = useState(false);
  const params = new URLSearchParams({ ...(queue ? { queue } : {}), ...(mine ? { mine: '1' } : {}) });
  const list = useJson<TaskList>(`/api/tasks?${params}`, DESK_REFRESH_MS);
  const [refusal, setRefusal] = useState<string>();
  const [done, setDone] = useState<string>();
  const now = useNow();
  const readOnly = list.data?.readOnly;

  const complete = async (task: DeskTask, outputText: string) => {
    setRefusal(undefined);
    setDone(undefined);
    let output: unknown;
    if (outputText.trim()) {
      try {
        output = JSON.parse(outputText);
      } catch (error) {
        setRefusal(`the output of ${task.stepId} is not JSON (${(error as Error).message}); fix it, or leave it empty`);
        return;
      }
    }
    try {
      await postJson('/api/tasks/complete', { orderId: task.orderId, stepId: task.stepId, ...(output === undefined ? {} : { output }) });
      setDone(`${task.stepId} of ${task.orderId} completed by ${user.name}`);
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      list.reload();
    }
  };

  return (
    <section className="desk task-inbox">
      <h1>Tasks</h1>
      <ReadOnlyNote reason={readOnly} />
      <div className="desk-filters">
        <label>
          Queue{' '}
          <input data-testid="task-filter-queue" list="task-queues" value={queue} placeholder={user.queues.length ? `mine: ${user.queues.join(', ')}` : 'every queue'} onChange={(e) => setQueue(e.target.value.trim())} />
          <datalist id="task-queues">
            {(list.data?.queues ?? []).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          <input type="checkbox" data-testid="task-filter-mine" checked={mine} onChange={(e) => setMine(e.target.checked)} /> assigned to me
        </label>
      </div>
      <Refusal message={refusal} onDismiss={() => setRefusal(undefined)} />
      {done && <p className="desk-done" data-testid="desk-done">{done}</p>}
      <LoadStatus of={list} refusalTestId="desk-list-error" />
      {list.data && (
        <table data-testid="task-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Step</th>
              <th>Queue</th>
              <th>Assignee</th>
              <th>Instructions</th>
              <th>Waiting</th>
              <th>SLA</th>
              <th>Output (JSON)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.tasks.length === 0 && (
              <tr>
                <td colSpan={9} className="desk-empty" data-testid="task-empty">No open tasks{queue ? ` in ${queue}` : ''}.</td>
              </tr>
            )}
            {list.data.tasks.map((task) => (
              <TaskRow key={`${task.orderId}/${task.fulfillmentOrderId}/${task.stepId}`} task={task} now={now} readOnly={readOnly} complete={complete} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TaskRow({ task, now, readOnly, complete }: { task: DeskTask; now: number; readOnly?: string; complete: (task: DeskTask, output: string) => Promise<void> }) {
  const [output, setOutput] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `${task.orderId}-${task.stepId}`;
  const invalid = output.trim() !== '' && !isJson(output);
  return (
    <tr data-testid={`task-${id}`} className={task.mayTake ? '' : 'not-yours'}>
      <td>
        <a href={`#/orders/${encodeURIComponent(task.orderId)}`}>{task.orderId}</a>
      </td>
      <td>{task.stepId}</td>
      <td className="queue">
        {task.queue}
        {task.escalatedTo.length > 0 && <span className="escalated"> → {task.escalatedTo.join(', ')}</span>}
      </td>
      <td>{task.assignee ?? <em>unassigned</em>}</td>
      <td className="instructions">{task.instructions}</td>
      <td>{ago(task.startedAt, now)}</td>
      <td>
        <Sla item={task} now={now} testId={`sla-${id}`} />
      </td>
      <td>
        <input className={invalid ? 'invalid' : ''} data-testid={`output-${id}`} value={output} disabled={readOnly !== undefined} placeholder='{"approved": true}' onChange={(e) => setOutput(e.target.value)} title={invalid ? 'not JSON yet' : 'optional: the task’s output, as JSON'} />
      </td>
      <td>
        <button
          type="button"
          data-testid={`complete-${id}`}
          disabled={busy || invalid || readOnly !== undefined}
          title={readOnly ?? (task.mayTake ? 'complete the task' : 'not yours to take: the workflow will say why')}
          onClick={async () => {
            setBusy(true);
            await complete(task, output);
            setBusy(false);
          }}
        >
          Complete
        </button>
      </td>
    </tr>
  );
}
