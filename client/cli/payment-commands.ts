import { containsRawCardNumber } from '../../domain/card-numbers';
import type { CollectionsAction, InvoicePaymentView } from '../../workflows/payment-messages';
import { OrdoError } from '../errors';
import { operatorIdentity } from '../operator-credentials';
import { config, parse, print, systemApi, withClient } from './common';
import { UsageError } from './usage';

/**
 * `ordo collections …` (invoices whose dunning retries were all declined, and the operator's actions on them) and
 * `ordo payment-method …` (a billing account's card token or purchase order). docs/billing.md "Payments".
 */

const ACTIONS: Record<string, CollectionsAction['action']> = { retry: 'retry', paid: 'paid', 'write-off': 'writeOff' };

/** Who acts: `--actor`, else the login name, so the workflow's history says who resolved it. */
const actorOf = (actor: string | undefined): string => actor?.trim() || process.env.USER || 'operator';

export const paymentCommands: Record<string, (args: string[]) => Promise<number>> = {
  async collections(args) {
    const { values, positionals } = parse(args, { account: { type: 'string' }, reference: { type: 'string' }, reason: { type: 'string' }, actor: { type: 'string' } });
    const [sub, invoiceId, ...rest] = positionals;
    const cfg = config(values.config);
    const { listCollections, resolveCollections } = require('../collections') as typeof import('../collections');
    if (sub === undefined) {
      if (values.reference !== undefined || values.reason !== undefined) throw new UsageError('collections lists; --reference and --reason go with `collections paid|write-off INVOICE`');
      const views = await withClient(cfg, (client) => listCollections(client.temporal, values.account));
      print({ json: !!values.json }, formatCollections(views, values.account), views);
      return 0;
    }
    const action = ACTIONS[sub];
    if (!action) throw new UsageError(`collections takes retry, paid or write-off INVOICE (or nothing, to list), not "${sub}"`);
    if (values.account !== undefined) throw new UsageError(`collections ${sub} names the invoice; --account filters the list only`);
    if (!invoiceId || rest.length) throw new UsageError(`collections ${sub} takes one invoice id, such as \`ordo collections ${sub} INV-ORD-1001-1\``);
    // Signed with --actor's key or ORDO_OPERATOR_KEY's (docs/security.md); without either, unsigned under the login name.
    const identity = values.actor?.trim() || process.env.ORDO_OPERATOR_KEY
      ? operatorIdentity({ actor: values.actor, keysDir: cfg.operatorKeysDir, authentication: cfg.operators.authentication })
      : {};
    const actor = identity.actor ?? actorOf(values.actor);
    let request: CollectionsAction;
    if (action === 'paid') {
      if (!values.reference?.trim()) throw new UsageError('collections paid needs --reference R: the wire or cheque the customer paid with');
      request = { action, actor, reference: values.reference };
    } else if (action === 'writeOff') {
      if (!values.reason?.trim()) throw new UsageError('collections write-off needs --reason T: why the invoice is not collected');
      request = { action, actor, reason: values.reason };
    } else {
      request = { action, actor };
    }
    const view = await withClient(cfg, (client) => resolveCollections(client.temporal, invoiceId, request, identity.signer));
    print({ json: !!values.json }, `Invoice ${view.invoiceId}: ${view.state}${view.state === 'Collections' ? ` again (${view.collections?.reason})` : ''}`, view);
    return view.state === 'Collections' ? 1 : 0;
  },

  async 'payment-method'(args) {
    const { values, positionals } = parse(args, { account: { type: 'string' }, token: { type: 'string' }, po: { type: 'string' }, 'no-auto-pay': { type: 'boolean' } });
    const [sub, ...rest] = positionals;
    if (rest.length || (sub !== 'set' && sub !== 'show')) throw new UsageError('payment-method takes set or show: `ordo payment-method set --account A (--token T | --po REF) [--no-auto-pay]`, `ordo payment-method show --account A`');
    const accountId = values.account?.trim();
    if (!accountId) throw new UsageError(`payment-method ${sub} needs --account A`);
    const billing = systemApi(config(values.config), 'billing');
    const path = `accounts/${encodeURIComponent(accountId)}`;
    if (sub === 'show') {
      if (values.token !== undefined || values.po !== undefined || values['no-auto-pay']) throw new UsageError('payment-method show takes --account A only');
      const account = await billing.find<AccountView>(path);
      if (!account) throw new OrdoError('not-found', `account ${accountId} has no payment method; set one with \`ordo payment-method set --account ${accountId} --token tok_…\``);
      print({ json: !!values.json }, formatAccount(account), account);
      return 0;
    }
    if ((values.token === undefined) === (values.po === undefined)) throw new UsageError('payment-method set needs exactly one of --token T (a card token from the hosted payment page) or --po REF');
    if (values.token !== undefined && containsRawCardNumber(values.token)) {
      throw new OrdoError('invalid', '--token looks like a card number: Ordo never takes one; tokenize the card on the gateway\'s hosted payment page and pass the tok_… it gives');
    }
    const body = values.token !== undefined
      ? { method: 'card', token: values.token, autoPay: !values['no-auto-pay'] }
      : { method: 'account', reference: values.po!, autoPay: false };
    // The key is the content: the same command again is a replay, another method is a new setting.
    const key = `cli:${body.method}:${values.token ?? values.po}:${body.autoPay}`;
    const account = await billing.put<AccountView>(`${path}/payment-method`, body, key);
    print({ json: !!values.json }, `Account ${accountId}: ${formatAccount(account)}`, account);
    return 0;
  },
};

interface AccountView {
  accountId: string;
  paymentMethod: { method: 'card'; last4: string } | { method: 'account'; reference: string };
  autoPay: boolean;
  updatedAt: string;
}

function formatAccount(account: AccountView): string {
  const method = account.paymentMethod.method === 'card' ? `card ending ${account.paymentMethod.last4}` : `on account, purchase order ${account.paymentMethod.reference}`;
  return `${account.accountId} pays by ${method}; auto-pay ${account.autoPay ? 'on' : 'off'} (since ${account.updatedAt})`;
}

function formatCollections(views: InvoicePaymentView[], accountId: string | undefined): string {
  if (views.length === 0) return `No invoices in collections${accountId ? ` for account ${accountId}` : ''}.`;
  const rows = views.map((view) => {
    const queue = view.collections?.queue ? `  queue ${view.collections.queue}` : '';
    return `${view.invoiceId}  ${view.accountId}  ${view.amount} ${view.currency}  ${view.attempts.length} attempts  since ${view.collections?.since ?? '?'}${queue}  ${view.collections?.reason ?? ''}`;
  });
  return [`${views.length} invoice(s) in collections:`, ...rows, 'Resolve with `ordo collections retry|paid|write-off INVOICE`.'].join('\n');
}
