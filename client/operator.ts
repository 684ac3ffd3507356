import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { attributeValueProblems } from '../domain/catalog-guards';
import { attributeLimitProblems } from '../domain/limits';
import { renderProblems } from '../domain/problems';
import type { QueueDirectory } from '../domain/queues';
import {
  completeManualTaskUpdate,
  resolveFalloutUpdate,
  resumeUpdate,
  orderRecordQuery,
  updateAttributesUpdate,
  type OrderRecord,
  type ResolveFalloutRequest,
  type UpdateAttributesRequest,
} from '../workflows/messages';
import { fulfillmentOrderWorkflowId, orderWorkflowId, parseSyncWorkflowId } from '../workflows/ids';
import type { OrderPlanView } from '../workflows/types';
import { mapConcurrently } from './concurrency';
import { OrdoError } from './errors';
import { signRequest, type OperatorSigner } from './operator-credentials';
import { withTransientUpdateRetry } from './update-retry';
import { FALLOUT_ACTIONS, type FalloutAction } from './fallout-actions';
import type { OrdoClient } from './ordo-client';
import { resolveStepRef, type SplitSteps } from './step-ref';
import { listSyncFallout } from './sync-views';
import { listFallout, listTasks, oldestFirst, type FalloutFilter, type FalloutStep, type ManualTask, type TaskFilter } from './worklists';


/** A step an operator acted on. */
export interface StepTarget {
  orderId: string;
  fulfillmentOrderId: string;
  workflowId: string;
  stepId: string;
}

export type QueueResolution = StepTarget & ({ outcome: 'resolved' } | { outcome: 'refused'; reason: string });

export interface SignalSent {
  orderId: string;
  /** The fulfillment orders that got the signal (the running ones). */
  fulfillmentOrderIds: string[];
}

/**
 * What fulfillment operators do (DESIGN.md "Messages and ids"): find open manual tasks and fallout through
 * Temporal visibility, complete tasks, resolve fallout, resume pause steps and update attributes. Actions
 * that can be refused go as updates, so the workflow's reason reaches the caller as OrdoError('refused').
 * `queues` is the queue directory of temporal-config.yaml: who belongs to which queue, for `listTasks({ actor })`.
 * `signer` is the operator's credential (client/operator-credentials.ts): every message is signed with it, and it
 * acts only under its own name. Without one (a `trusted` deployment) messages go unsigned and the actor is believed.
 */
export class OrdoOperator {
  constructor(
    readonly client: OrdoClient,
    readonly queues: QueueDirectory = {},
    readonly signer?: OperatorSigner,
  ) {}

  /** The message as sent to `workflowId`: signed by the credential, which must be the actor's own. */
  private signed<T extends { actor?: string }>(message: string, workflowId: string, request: T): T {
    if (this.signer && request.actor !== undefined && request.actor !== this.signer.operator) {
      throw new OrdoError('refused', `you act as ${this.signer.operator} (your credential), not ${request.actor}: an operator acts only under their own name`);
    }
    return signRequest(this.signer, message, workflowId, this.signer && request.actor === undefined ? { ...request, actor: this.signer.operator } : request);
  }

  /** Open manual tasks (manualTask steps InProgress) of running fulfillment orders, oldest first. */
  listTasks(filter: TaskFilter = {}): Promise<ManualTask[]> {
    return listTasks(this.client.temporal, this.queues, filter);
  }

  /** Steps in fallout (FatallyFailed) with why they failed, oldest first. */
  /** Fulfillment steps in fallout, and channel syncs waiting in it (under their sync workflow id), oldest first. */
  async listFallout(filter: FalloutFilter = {}): Promise<FalloutStep[]> {
    const [steps, syncs] = await Promise.all([listFallout(this.client.temporal, filter), listSyncFallout(this.client.temporal, filter)]);
    return [...steps, ...syncs].sort(oldestFirst);
  }

  /** Completes a manual task; refused (with the workflow's reason) when it is not waiting or the actor may not act. */
  async completeTask(orderId: string, stepRef: string, actor: string, output?: unknown): Promise<StepTarget> {
    requireActor(actor);
    const target = await this.findStep(orderId, stepRef);
    await refusalsAsOrdoErrors(target, 'is not waiting for an operator', () =>
      this.client.temporal.workflow.getHandle(target.workflowId).executeUpdate(completeManualTaskUpdate, {
        args: [this.signed('completeManualTask', target.workflowId, { stepId: target.stepId, actor, ...(output === undefined ? {} : { output }) })],
      }),
    );
    return target;
  }

  /** Resolves a step in fallout: `retry` runs it again from scratch, `complete` finishes it with `output`, `skip` lets dependents go on. */
  async resolveFallout(orderId: string, stepRef: string, action: FalloutAction, actor: string, options: { output?: unknown; note?: string } = {}): Promise<StepTarget & { action: FalloutAction }> {
    requireActor(actor);
    requireAction(action);
    // A channel sync in fallout is named by its workflow id (as `ordo fallout` lists it) and its step, as logged.
    const target = parseSyncWorkflowId(orderId) ? { orderId, fulfillmentOrderId: 'sync', workflowId: orderId, stepId: stepRef } : await this.findStep(orderId, stepRef);
    await this.sendResolution(target, action, actor, options);
    return { ...target, action };
  }

  /** The bulk form: resolves every step in fallout in `queue`; answers per step, resolved or the refusal's reason. */
  async resolveQueue(queue: string, action: FalloutAction, actor: string, options: { output?: unknown; note?: string } = {}): Promise<QueueResolution[]> {
    requireActor(actor);
    requireAction(action);
    const steps = await this.listFallout({ queue });
    return mapConcurrently(steps, 4, async (step): Promise<QueueResolution> => {
      const target: StepTarget = { orderId: step.orderId, fulfillmentOrderId: step.fulfillmentOrderId, workflowId: step.workflowId, stepId: step.stepId };
      try {
        await this.sendResolution(target, action, actor, options);
        return { ...target, outcome: 'resolved' };
      } catch (error) {
        if (error instanceof OrdoError && error.code === 'refused') return { ...target, outcome: 'refused', reason: error.message };
        throw error;
      }
    });
  }

  /**
   * Resumes the order's pause steps waiting for the signal `name` (`resumeOn: { signal: name }`): sends the
   * `resume` update to every running fulfillment order with such a step, and answers with the steps that go on.
   * A name no pause step of the order resumes on is refused as invalid, so a typo does not pass silently; a name
   * no step waits for now (it has not started waiting, or was resumed already) is refused with the workflow's reason.
   */
  async resume(orderId: string, name: string, actor?: string): Promise<SignalSent & { name: string; waitingSteps: string[] }> {
    if (!name?.trim()) throw new OrdoError('invalid', 'a signal name is required, e.g. `delivered`');
    const plan = requireDecomposed(await this.client.getPlan(orderId));
    const resumeSignals = (fo: (typeof plan.fulfillmentOrders)[number]) =>
      Object.values(fo.definitions).flatMap((definition) => (definition.resumeOn && 'signal' in definition.resumeOn ? [definition.resumeOn.signal] : []));
    const splits = plan.fulfillmentOrders.filter((fo) => resumeSignals(fo).includes(name));
    if (splits.length === 0) {
      const known = [...new Set(plan.fulfillmentOrders.flatMap(resumeSignals))].sort();
      throw new OrdoError('invalid', `no pause step of order ${orderId} resumes on "${name}"; ${known.length ? `its pause steps resume on: ${known.join(', ')}` : 'it has no pause step waiting for a signal'}`);
    }
    const answers = await this.updateSplits(orderId, splits.map((fo) => fo.id), (handle) =>
      handle.executeUpdate(resumeUpdate, { args: [this.signed('resume', handle.workflowId, { name, ...(actor ? { actor } : {}) })] }),
    );
    const waitingSteps = answers.flatMap(({ fulfillmentOrderId, answer }) => answer.resumedStepIds.map((stepId) => `${fulfillmentOrderId}/${stepId}`));
    return { orderId, fulfillmentOrderIds: answers.map((a) => a.fulfillmentOrderId), name, waitingSteps };
  }

  /**
   * New attribute values for a fulfillment line item (sent to the split that holds it) or an order item (sent to
   * every split with a line made from it), as the `updateAttributes` update: accepted, or refused with the
   * workflow's reason. Pause steps whose condition now holds resume.
   */
  async updateAttributes(orderId: string, request: Omit<UpdateAttributesRequest, 'actor'> & { actor?: string }): Promise<SignalSent> {
    const { lineItemId, orderItemId, attributes, actor } = request;
    if ((lineItemId === undefined) === (orderItemId === undefined)) throw new OrdoError('invalid', 'name exactly one of lineItemId or orderItemId');
    checkAttributes(attributes);
    if (orderItemId !== undefined) await this.refuseOutsideCatalog(orderId, orderItemId, attributes);
    const plan = requireDecomposed(await this.client.getPlan(orderId));
    const holders = plan.fulfillmentOrders.filter((fo) =>
      fo.lineItems.some((li) => (lineItemId !== undefined ? li.id === lineItemId : li.sourceItemIds.includes(orderItemId!))),
    );
    if (holders.length === 0) {
      const known = lineItemId !== undefined ? plan.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((li) => li.id)) : [...new Set(plan.fulfillmentOrders.flatMap((fo) => fo.lineItems.flatMap((li) => li.sourceItemIds)))];
      const what = lineItemId !== undefined ? `line item ${lineItemId}` : `order item ${orderItemId} fulfilled by any split`;
      throw new OrdoError('invalid', `order ${orderId} has no ${what}; ${lineItemId !== undefined ? 'its line items' : 'its fulfilled order items'} are: ${known.join(', ') || '(none)'}`);
    }
    const payload: UpdateAttributesRequest = { attributes, ...(lineItemId !== undefined ? { lineItemId } : { orderItemId }), ...(actor ? { actor } : {}) };
    const answers = await this.updateSplits(orderId, holders.map((fo) => fo.id), (handle) => handle.executeUpdate(updateAttributesUpdate, { args: [this.signed('updateAttributes', handle.workflowId, payload)] }));
    return { orderId, fulfillmentOrderIds: answers.map((a) => a.fulfillmentOrderId) };
  }

  /**
   * An order item's new attribute values must be ones its product allows (the catalog guard of submission). Line
   * items are fulfillment products, which constrain no attributes. Without a catalog here, or an order to read, not checked.
   */
  private async refuseOutsideCatalog(orderId: string, orderItemId: string, attributes: UpdateAttributesRequest['attributes']): Promise<void> {
    const catalog = this.client.catalog;
    if (!catalog) return;
    let record: OrderRecord;
    try {
      record = await this.client.temporal.workflow.getHandle(orderWorkflowId(orderId)).query(orderRecordQuery);
    } catch {
      return; // getPlan next says why the order cannot be reached
    }
    const item = record.order.items.find((candidate) => candidate.id === orderItemId);
    const product = item && catalog.products.find((candidate) => candidate.code === item.product);
    if (!product) return;
    const problems = attributeValueProblems(product, attributes, 'attributes');
    if (problems.length > 0) throw new OrdoError('invalid', renderProblems(`attributes of order item ${orderItemId}`, problems), problems);
  }

  /** The order's splits and their live steps; then the one step `stepRef` names. */
  private async findStep(orderId: string, stepRef: string): Promise<StepTarget> {
    const view = await this.client.getPlan(orderId);
    const splits: SplitSteps[] = view.fulfillmentOrders.map((fo) => ({
      fulfillmentOrderId: fo.fulfillmentOrderId,
      workflowId: fulfillmentOrderWorkflowId(orderId, fo.fulfillmentOrderId),
      steps: fo.steps,
    }));
    const found = resolveStepRef(orderId, stepRef, splits);
    return { orderId, fulfillmentOrderId: found.fulfillmentOrderId, workflowId: found.workflowId, stepId: found.step.id };
  }

  private async sendResolution(target: StepTarget, action: FalloutAction, actor: string, options: { output?: unknown; note?: string }): Promise<void> {
    const request: ResolveFalloutRequest = { stepId: target.stepId, actor, action };
    if (options.output !== undefined) request.output = options.output;
    if (options.note !== undefined) request.note = options.note;
    await refusalsAsOrdoErrors(target, 'is not in fallout', () => this.client.temporal.workflow.getHandle(target.workflowId).executeUpdate(resolveFalloutUpdate, { args: [this.signed('resolveFallout', target.workflowId, request)] }));
  }

  /**
   * Sends an update to the running ones of these splits and answers with those that accepted it. Refused when
   * none accepted: with the workflows' reasons, or because none of them is running any more.
   */
  private async updateSplits<T>(orderId: string, fulfillmentOrderIds: string[], send: (handle: WorkflowHandle) => Promise<T>): Promise<Array<{ fulfillmentOrderId: string; answer: T }>> {
    const outcomes = await mapConcurrently(fulfillmentOrderIds, 8, async (fulfillmentOrderId) => {
      try {
        const answer = await withTransientUpdateRetry(() => send(this.client.temporal.workflow.getHandle(fulfillmentOrderWorkflowId(orderId, fulfillmentOrderId))));
        return { fulfillmentOrderId, answer };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { fulfillmentOrderId, finished: true as const }; // nothing there waits any more
        if (error instanceof WorkflowUpdateFailedError) return { fulfillmentOrderId, refused: error.cause?.message ?? error.message };
        throw error;
      }
    });
    const accepted = outcomes.flatMap((o) => ('answer' in o ? [{ fulfillmentOrderId: o.fulfillmentOrderId, answer: o.answer as T }] : []));
    if (accepted.length > 0) return accepted;
    const refusals = outcomes.flatMap((o) => ('refused' in o ? [`${o.fulfillmentOrderId}: ${o.refused}`] : []));
    if (refusals.length > 0) throw new OrdoError('refused', `order ${orderId} refused it: ${refusals.join('; ')}`);
    const which = fulfillmentOrderIds.length === 1 ? `fulfillment order ${fulfillmentOrderIds[0]} of order ${orderId} has` : `fulfillment orders ${fulfillmentOrderIds.join(', ')} of order ${orderId} have`;
    throw new OrdoError('refused', `${which} finished: nothing there waits any more (\`ordo status ${orderId}\` shows where the order is)`);
  }
}

/** An update's rejection (the workflow's validator) becomes OrdoError('refused') with the workflow's reason. */
async function refusalsAsOrdoErrors<T>(target: StepTarget, notWaiting: string, send: () => Promise<T>): Promise<T> {
  try {
    return await withTransientUpdateRetry(send);
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new OrdoError('refused', error.cause?.message ?? error.message);
    if (error instanceof WorkflowNotFoundError) {
      throw new OrdoError('refused', `step ${target.stepId} ${notWaiting}: fulfillment order ${target.fulfillmentOrderId} of order ${target.orderId} has finished`);
    }
    throw error;
  }
}

function requireDecomposed(view: OrderPlanView): NonNullable<OrderPlanView['plan']> {
  if (!view.plan) throw new OrdoError('refused', `order ${view.orderId} has no plan yet (it is ${view.state}); try again once it is decomposed`);
  return view.plan;
}

function requireActor(actor: string): void {
  if (typeof actor !== 'string' || !actor.trim()) throw new OrdoError('invalid', 'an actor is required: say who is acting');
}

function requireAction(action: string): void {
  if (!FALLOUT_ACTIONS.includes(action as FalloutAction)) throw new OrdoError('invalid', `action must be ${FALLOUT_ACTIONS.join(', ')}, not ${JSON.stringify(action)}`);
}

function checkAttributes(attributes: unknown): asserts attributes is UpdateAttributesRequest['attributes'] {
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes) || Object.keys(attributes).length === 0) {
    throw new OrdoError('invalid', 'attributes must name at least one attribute, e.g. { "siteReady": true }');
  }
  for (const [key, value] of Object.entries(attributes)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new OrdoError('invalid', `attribute ${key} must be a string, a number or a boolean`);
  }
  const tooLarge = attributeLimitProblems(attributes, 'attributes');
  if (tooLarge.length > 0) throw new OrdoError('invalid', tooLarge.map((p) => `${p.path}: ${p.message} (fix: ${p.fix})`).join('\n'), tooLarge);
}
