import { useMemo, useState, type FormEvent } from 'react';
import { postJson, useJson, useLive } from './api';
import type { PageUser } from './auth-types';
import type { OrderState } from '../../workflows/types';
import { LoadStatus } from './load-status';
import type { ApprovalAnswer, OrderListAnswer, OrderView, SplitView, StepView } from './order-types';
import { SwimlaneLegend, Swimlanes, type SwimlaneStep } from './swimlanes';
import { stubTarget, upstreamStubs } from './upstream-stubs';

/** Recent orders, and one order live: splits, swimlanes, PONR, actions, invoices (docs/console.md "Order page"). */

/** The order states to filter on: workflows/types.ts ORDER_STATES (a copy: the page bundles no server module). */
const ORDER_STATES: readonly OrderState[] = ['acknowledged', 'pending', 'rejected', 'inProgress', 'held', 'assessingCancellation', 'pendingCancellation', 'cancelled', 'completed', 'partial', 'failed'];

const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '');

/**
 * A box's short name: the step's own id without its workspace, and the last part of an instance's suffix (the item):
 * `service-activation.configure[CONFIGURE-SERVICE:OI-3]` → `configure OI-3`. The full id is the box's tooltip.
 */
export function stepLabel(stepId: string): string {
  const match = /^(?:[^.[]*\.)?([^[]*)(?:\[(?:[^\]]*:)?([^\]]*)\])?$/.exec(stepId);
  return match ? [match[1], match[2]].filter(Boolean).join(' ') : stepId;
}

export function OrderList() {
  const [filter, setFilter] = useState({ state: '', channel: '', account: '', q: '' });
  const [draft, setDraft] = useState(filter);
  const params = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
  const list = useJson<OrderListAnswer>(`/api/orders${params.size ? `?${params}` : ''}`, 5000);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  const field = (name: keyof typeof draft) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }), 'data-testid': `filter-${name}` });
  return (
    <section className="order-list">
      <h1>Orders</h1>
      <form className="filters" onSubmit={apply}>
        <input placeholder="Order id (or its start)" {...field('q')} />
        <select {...field('state')}>
          <option value="">any state</option>
          {ORDER_STATES.map((state) => (
            <option key={state}>{state}</option>
          ))}
        </select>
        <input placeholder="Channel" {...field('channel')} />
        <input placeholder="Account" {...field('account')} />
        <button type="submit" data-testid="filter-apply">Filter</button>
      </form>
      <LoadStatus of={list} />
      {list.data && (
        <table data-testid="order-list">
          <thead>
            <tr>
              <th>Order</th>
              <th>State</th>
              <th>Account</th>
              <th>Channel</th>
              <th>Started</th>
              <th>Closed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.orders.map((order) => (
              <tr key={order.workflowId} data-testid={`order-row-${order.orderId}`}>
                <td>
                  <a href={`#/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</a>
                </td>
                <td>
                  <span className={`order-state state-${order.state}`}>{order.state}</span>
                </td>
                <td>{order.accountId}</td>
                <td>{order.channel}</td>
                <td>{when(order.startedAt)}</td>
                <td>{when(order.closedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.orders.length === 0 && <p className="empty">No orders match.</p>}
      {list.data && list.data.orders.length >= list.data.limit && <p className="hint">The newest {list.data.limit}; filter to find older ones.</p>}
      {list.data && (
        <p className="hint">
          From Temporal visibility: <code data-testid="order-list-query">{list.data.query}</code>
        </p>
      )}
    </section>
  );
}

export function OrderPage({ orderId, user }: { orderId: string; user: PageUser }) {
  const live = useLive<OrderView>(`/api/orders/${encodeURIComponent(orderId)}/live`);
  const [selected, setSelected] = useState<{ split: string; step: string }>();
  const order = live.data;
  if (!order) {
    return <LoadStatus of={live} loading={`Loading order ${orderId}…`} refusalTestId="order-refusal" />;
  }
  // A stub's click selects the step in the split that holds it, and brings that split into view.
  const select = (split: string, step: string, scroll: boolean) => {
    setSelected({ split, step });
    if (scroll) document.querySelector(`[data-testid="split-${CSS.escape(split)}"]`)?.scrollIntoView({ behavior: 'smooth' });
  };
  const selectedSplit = order.splits.find((s) => s.id === selected?.split);
  const selectedStep = selectedSplit?.steps.find((s) => s.id === selected?.step);
  return (
    <section className="order-page">
      <header className="order-header">
        <h1>
          Order <span data-testid="order-id">{order.orderId}</span>
        </h1>
        <span className={`order-state state-${order.state}`} data-testid="order-state">
          {order.state}
        </span>
        <dl>
          <dt>Account</dt>
          <dd data-testid="order-account">{order.accountId}</dd>
          <dt>Channel</dt>
          <dd data-testid="order-channel">{order.channel}</dd>
          <dt>Submitted</dt>
          <dd>{when(order.submittedAt)}</dd>
          {order.completedAt && (
            <>
              <dt>Ended</dt>
              <dd>{when(order.completedAt)}</dd>
            </>
          )}
          {order.changeOf && (
            <>
              <dt>Change of</dt>
              <dd>
                <a href={`#/orders/${encodeURIComponent(order.changeOf)}`}>{order.changeOf}</a>
              </dd>
            </>
          )}
        </dl>
        <a href={order.webUiUrl} target="_blank" rel="noreferrer" data-testid="order-web-ui">
          Temporal Web UI ↗
        </a>
        <span className="live-mark" title="Updates by itself while the order runs">
          {order.final ? 'final' : 'live'}
        </span>
      </header>
      <LoadStatus of={live} refusalTestId="order-refusal" />
      {order.reason && <p className="order-reason">{order.reason}</p>}
      {order.approval && <ApprovalPanel order={order} user={user} />}
      {order.unfulfilledItems.length > 0 && (
        <p className="refusal">Unfulfilled: {order.unfulfilledItems.map((item) => `${item.itemId} (${item.product}): ${item.reason}`).join('; ')}</p>
      )}
      <SwimlaneLegend crossPlan={order.splits.some((split) => split.upstream?.length)} />
      <div className="order-body">
        <div className="splits">
          {order.splits.map((split) => (
            <SplitSection key={split.id} split={split} selectedStep={selected?.split === split.id ? selected.step : undefined} onSelect={(step, other = split.id) => select(other, step, other !== split.id)} />
          ))}
        </div>
        {selectedSplit && selectedStep && <StepDetail split={selectedSplit} step={selectedStep} onClose={() => setSelected(undefined)} />}
      </div>
      <PonrTable order={order} />
      <Timeline order={order} />
      <Documents order={order} />
    </section>
  );
}

/**
 * The approval a pending order waits for: who may give it and the items that ask; for a member of one of its queues,
 * Approve and Refuse (with a reason). The order decides (it checks membership again); its refusal is shown as given.
 */
function ApprovalPanel({ order, user }: { order: OrderView; user: PageUser }) {
  const approval = order.approval!;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const [taken, setTaken] = useState<string>();
  const member = approval.queues.some((queue) => user.queues.includes(queue));
  const mayApprove = member && approval.state === 'waiting' && order.state === 'pending';
  const who = approval.queues.map((queue) => `${queue} (${approval.members[queue]?.join(', ') || 'no members'})`).join(' or ');
  const send = async (approved: boolean) => {
    setRefusal(undefined);
    if (!approved && !reason.trim()) {
      setRefusal('say why the order is refused: it ends rejected with this reason');
      return;
    }
    setBusy(true);
    try {
      const answer = await postJson<ApprovalAnswer>(`/api/orders/${encodeURIComponent(order.orderId)}/approval`, { approved, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      setTaken(answer.approved ? `Approved by ${answer.actor}: fulfillment starts.` : `Refused by ${answer.actor}: the order ends rejected.`);
    } catch (error) {
      setRefusal((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="approval" data-testid="approval" data-state={approval.state}>
      <h2>Approval</h2>
      <p>
        {approval.state === 'waiting' ? 'Waiting for an approval by ' : 'Asked of '}
        <span data-testid="approval-who">{who}</span> for items <span data-testid="approval-items">{approval.itemIds.join(', ')}</span>.
      </p>
      {approval.state !== 'waiting' && (
        <p data-testid="approval-outcome">
          {approval.state === 'approved' ? 'Approved' : 'Refused'} by {approval.actor}
          {approval.at ? ` at ${when(approval.at)}` : ''}
          {approval.reason ? `: ${approval.reason}` : ''}
        </p>
      )}
      {mayApprove && !taken && (
        <div className="approval-actions">
          <input data-testid="approval-reason" value={reason} placeholder="Reason (required to refuse)" disabled={busy} onChange={(e) => setReason(e.target.value)} />
          <button type="button" data-testid="approval-approve" disabled={busy} onClick={() => void send(true)}>
            Approve
          </button>
          <button type="button" data-testid="approval-refuse" disabled={busy} onClick={() => void send(false)}>
            Refuse
          </button>
        </div>
      )}
      {approval.state === 'waiting' && !member && <p className="hint" data-testid="approval-not-yours">Only a member of {approval.queues.join(' or ')} may approve; you are not.</p>}
      {taken && <p className="hint" data-testid="approval-taken">{taken}</p>}
      {refusal && <p className="refusal" data-testid="approval-refusal">{refusal}</p>}
    </section>
  );
}

function SplitSection({ split, selectedStep, onSelect }: { split: SplitView; selectedStep?: string; onSelect: (stepId: string, splitId?: string) => void }) {
  const steps = useMemo(
    () => [
      // What it waits for in other splits first: stubs whose edges run to the steps that wait (upstream-stubs.ts).
      ...upstreamStubs(split.upstream, stepLabel),
      ...split.steps.map(
        (step): SwimlaneStep => ({
          id: step.id,
          label: stepLabel(step.id),
          workspace: step.workspace,
          group: step.group,
          dependsOn: step.dependsOn,
          state: step.state,
          jeopardy: step.jeopardy,
          pointOfNoReturn: step.pointOfNoReturn,
          ...(split.awaitedBy?.[step.id] ? { awaitedBy: split.awaitedBy[step.id] } : {}),
        }),
      ),
    ],
    [split.steps, split.upstream, split.awaitedBy],
  );
  const follow = (step: SwimlaneStep) => {
    const target = stubTarget(step, split.upstream);
    if (target) onSelect(target.stepId, target.splitId);
    else if (!step.stub) onSelect(step.id);
  };
  return (
    <section className="split" data-testid={`split-${split.id}`}>
      <h2>
        {split.id} <span className={`split-state state-${split.state}`}>{split.state}</span>
      </h2>
      <p className="split-facts">
        {split.location && <>at {split.location} · </>}
        {split.system && <>in {split.system} · </>}
        {split.counts.completed}/{split.counts.total} completed
        {split.counts.inProgress > 0 && <> · {split.counts.inProgress} in progress</>}
        {split.counts.fatallyFailed > 0 && <> · {split.counts.fatallyFailed} in fallout</>}
        {split.counts.inJeopardy > 0 && <> · {split.counts.inJeopardy} in jeopardy</>}
        {' · '}
        <a href={split.webUiUrl} target="_blank" rel="noreferrer">
          Web UI ↗
        </a>
      </p>
      {split.steps.length ? <Swimlanes steps={steps} selectedId={selectedStep} onSelect={follow} /> : <p className="empty">Not started yet.</p>}
    </section>
  );
}

function StepDetail({ split, step, onClose }: { split: SplitView; step: StepView; onClose: () => void }) {
  const facts: Array<[string, string | number | undefined]> = [
    ['State', step.state],
    ['Type', step.type],
    ['Definition', step.definition],
    ['Workspace', `${step.workspace}${step.group ? ` / ${step.group}` : ''}`],
    ['Attempts', step.attempts],
    ['Runs', step.runs],
    ['Queue', step.queue ?? step.falloutQueue],
    ['Assignee', step.assignee],
    ['Jeopardy', step.jeopardy === 'none' ? undefined : step.jeopardy],
    ['Ready', when(step.readyAt)],
    ['Started', when(step.startedAt)],
    ['Completed', when(step.completedAt)],
    ['Planned completion', when(step.plannedCompletion)],
    ['In jeopardy at', when(step.jeopardyAt)],
    ['Late at', when(step.lateAt)],
    ['Completed by', step.completedBy ? `${step.completedBy.actor} (${step.completedBy.via})` : undefined],
    ['Point of no return', step.pointOfNoReturn ? 'yes' : undefined],
    ['Line items', step.lineItemIds.join(', ')],
  ];
  return (
    <aside className="step-detail" data-testid="step-detail">
      <header>
        <h3>
          {split.id} / {step.id}
        </h3>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <dl>
        {facts
          .filter(([, value]) => value !== undefined && value !== '')
          .map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd data-testid={`step-detail-${name.toLowerCase().replace(/ /g, '-')}`}>{value}</dd>
            </div>
          ))}
      </dl>
      {step.instructions && <p className="instructions">{step.instructions}</p>}
      {step.error && (
        <p className="refusal">
          {step.error.message}
          {step.error.code ? ` (${step.error.code})` : ''}, after {step.error.attempts} attempt(s)
        </p>
      )}
      {(step.operatorActions?.length ?? 0) > 0 && (
        <>
          <h4>Operator actions</h4>
          <ul>
            {step.operatorActions!.map((action, i) => (
              <li key={i}>
                {when(action.at)}: {action.actor} {action.action}
                {action.note ? ` (${action.note})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {step.type === 'manualTask' && step.state === 'InProgress' && (
        <p className="hint">
          Complete it from the <a href="#/tasks">task inbox</a>.
        </p>
      )}
      {step.state === 'FatallyFailed' && (
        <p className="hint">
          Retry, skip or complete it from the <a href="#/incidents">incident desk</a>.
        </p>
      )}
    </aside>
  );
}

function PonrTable({ order }: { order: OrderView }) {
  return (
    <section>
      <h2>Point of no return</h2>
      {order.ponr.length === 0 ? (
        <p className="empty">No item has a point of no return: every item can be changed or cancelled until it is done.</p>
      ) : (
        <table className="ponr">
          <thead>
            <tr>
              <th>Item</th>
              <th>Passed</th>
              <th>Step</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {order.ponr.map((item) => (
              <tr key={item.itemId} data-testid={`ponr-${item.itemId}`} data-passed={item.passed}>
                <td>{item.itemId}</td>
                <td>{item.passed ? 'passed' : 'not yet'}</td>
                <td>{item.passed ? `${item.fulfillmentOrderId}/${item.stepId}` : item.ahead.map((a) => `${a.fulfillmentOrderId}/${a.stepId} (${a.state})`).join(', ')}</td>
                <td>{when(item.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Timeline({ order }: { order: OrderView }) {
  return (
    <section>
      <h2>Actions</h2>
      <table className="timeline" data-testid="order-actions">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>On</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {order.actions.map((entry, i) => (
            <tr key={i} className={`outcome-${entry.outcome}`}>
              <td>{when(entry.at)}</td>
              <td>
                {entry.actor}
                {entry.verified ? ' ✓' : ''}
              </td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
              <td>{entry.outcome}</td>
              <td>{entry.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Documents({ order }: { order: OrderView }) {
  return (
    <section>
      <h2>Invoices and credit memos</h2>
      <table data-testid="order-invoices">
        <thead>
          <tr>
            <th>Document</th>
            <th>Kind</th>
            <th>Order</th>
            <th>Lines</th>
            <th>Subtotal</th>
            <th>Tax</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {order.documents.map((document) => (
            <tr key={document.id} data-testid={`document-${document.id}`}>
              <td>{document.id}</td>
              <td>{document.kind === 'creditMemo' ? 'credit memo' : document.kind}</td>
              <td>{document.orderId}</td>
              <td>{document.lines ?? ''}</td>
              <td>{document.subtotal ?? ''}</td>
              <td>{document.tax ?? ''}</td>
              <td>
                {document.total} {document.currency ?? order.currency}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {order.documents.length === 0 && <p className="empty">None yet: the order is billed once every split is done.</p>}
    </section>
  );
}
