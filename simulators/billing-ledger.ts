import { formatMills, toMills } from './billing-money';
import type { BillingState, LedgerEntryRecord, LedgerKind, StoredInvoice } from './billing-records';
import { HttpError } from './http';

/**
 * The append-only ledger per account: every invoice, credit memo, settled payment and refund posts one entry,
 * and nothing is ever changed or removed. The balance (invoiced − credited − paid, refunds added back) is the
 * exact sum of the entries, so it is what an ERP reading the ledger would compute too.
 *
 * An account billed in more than one currency has one ledger per currency: amounts in two currencies do not add.
 */

/** How each kind of posting moves what the account owes. */
const SIGN: Record<LedgerKind, 1n | -1n> = { invoice: 1n, refund: 1n, creditMemo: -1n, payment: -1n };

export interface Posting {
  accountId: string | undefined;
  currency: string;
  kind: LedgerKind;
  documentId: string;
  /** Positive, as the document carries it; the entry's sign comes from its kind. */
  amount: string;
  at: string;
  /** The document's business date (invoiceDate, the payment's date), kept on the entry when known. */
  date?: string;
}

export class Ledger {
  constructor(private readonly state: BillingState & { ledger: LedgerEntryRecord[] }) {}

  /** Appends an entry; a document without an account has no ledger to post to (it is still listed). */
  post(posting: Posting): void {
    if (posting.accountId === undefined) return;
    const amount = formatMills(SIGN[posting.kind] * toMills(posting.amount), posting.currency);
    const { accountId, currency, at, kind, documentId, date } = posting;
    this.state.ledger.push({ accountId, currency, at, kind, documentId, amount, ...(date !== undefined ? { date } : {}) });
  }

  /**
   * `{ accountId, entries, balance }`, oldest entry first. `currency` picks one ledger of an account billed in
   * several; without it such an account is refused naming its currencies. An account with no entries has a zero balance.
   */
  read(accountId: string, currency: string | undefined) {
    const ofAccount = this.state.ledger.filter((entry) => entry.accountId === accountId);
    const currencies = [...new Set(ofAccount.map((entry) => entry.currency))];
    if (currency === undefined && currencies.length > 1) {
      throw new HttpError(422, 'several-currencies', `account ${accountId} is billed in ${currencies.join(' and ')}: ask for one ledger with &currency=${currencies[0]}`, {
        field: 'currency',
        currencies,
      });
    }
    const chosen = currency ?? currencies[0] ?? 'USD';
    const entries = ofAccount.filter((entry) => entry.currency === chosen);
    const balance = entries.reduce((sum, entry) => sum + toMills(entry.amount), 0n);
    return {
      accountId,
      entries: entries.map(({ at, kind, documentId, amount, date }) => ({ at, kind, documentId, amount, ...(date !== undefined ? { date } : {}) })),
      balance: formatMills(balance, chosen),
    };
  }
}

/** The entry an invoice or credit memo posts when received; other kinds post none. */
export function invoicePosting(stored: StoredInvoice): Posting | undefined {
  const { invoice } = stored;
  if (invoice.kind !== 'invoice' && invoice.kind !== 'creditMemo') return undefined;
  const date = invoice.invoiceDate !== undefined ? { date: invoice.invoiceDate } : {};
  return { accountId: invoice.accountId, currency: invoice.currency, kind: invoice.kind, documentId: invoice.id, amount: invoice.total, at: stored.receivedAt, ...date };
}

/**
 * The ledger of a data file written before the ledger existed: its invoices and credit memos in the order received
 * (it had no payments). Done once; the ledger is saved with the next write and appended to from then on.
 */
export function ledgerOfOlderFile(state: BillingState): LedgerEntryRecord[] {
  const rebuilt = { ...state, ledger: [] as LedgerEntryRecord[] };
  const ledger = new Ledger(rebuilt);
  for (const stored of state.invoices) {
    const posting = invoicePosting(stored);
    if (posting) ledger.post(posting);
  }
  return rebuilt.ledger;
}
