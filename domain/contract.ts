import { sameAmount } from './money';
import type { ContractLine, Order, OrderItem } from './order';
import type { Problem } from './problems';

/**
 * The contract check at submission: an order that carries a contract must sell exactly what the contract
 * says, line by line. Drift is an error naming the field (not a warning), because billing from a drifted
 * order bills something the customer never signed.
 *
 * Choices where DESIGN.md is silent:
 * - Each contract line maps to exactly one item; a second item pointing at the same line is a problem
 *   (splitting a line across items would make each item's quantity drift anyway).
 * - Prices compare by value ("120" equals "120.00"); term dates compare exactly, and a date set on one side
 *   but not the other is drift.
 */

const CHECKED_FIELDS = ['product', 'quantity', 'unitPrice', 'startDate', 'endDate'] as const;
type CheckedField = (typeof CHECKED_FIELDS)[number];

const DRIFT_FIX = 'correct the order item or amend the contract';

function show(value: string | number | undefined): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function fieldMatches(field: CheckedField, itemValue: string | number | undefined, lineValue: string | number | undefined): boolean {
  if (field === 'unitPrice' && typeof itemValue === 'string' && typeof lineValue === 'string') return sameAmount(itemValue, lineValue);
  return itemValue === lineValue;
}

function driftProblems(item: OrderItem, index: number, contractId: string, line: ContractLine): Problem[] {
  return CHECKED_FIELDS.filter((field) => !fieldMatches(field, item[field], line[field])).map((field) => ({
    path: `items[${index}].${field}`,
    message: `${show(item[field])} drifts from contract ${contractId} line ${line.id} (${show(line[field])})`,
    fix: DRIFT_FIX,
  }));
}

function duplicateLineIds(order: Order): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  order.contract?.lines.forEach((line, j) => {
    const earlier = firstIndex.get(line.id);
    if (earlier === undefined) firstIndex.set(line.id, j);
    else problems.push({ path: `contract.lines[${j}].id`, message: `"${line.id}" is already the id of contract.lines[${earlier}]`, fix: 'give every contract line a unique id' });
  });
  return problems;
}

/** Every problem between the order's items and its contract; empty when they agree or there is no contract at all. */
export function checkContract(order: Order): Problem[] {
  const { contract } = order;
  const problems: Problem[] = duplicateLineIds(order);
  const itemIndexByLine = new Map<string, number>();

  order.items.forEach((item, index) => {
    const lineId = item.contractLineId;
    if (lineId === undefined) return;
    const path = `items[${index}].contractLineId`;
    if (!contract) {
      problems.push({ path, message: `points at contract line "${lineId}" but the order carries no contract`, fix: 'add the contract to the order, or remove contractLineId' });
      return;
    }
    const line = contract.lines.find((candidate) => candidate.id === lineId);
    if (!line) {
      const known = contract.lines.map((candidate) => candidate.id).join(', ');
      problems.push({ path, message: `contract ${contract.id} has no line "${lineId}" (its lines: ${known})`, fix: 'point at one of the contract lines, or amend the contract' });
      return;
    }
    const earlier = itemIndexByLine.get(lineId);
    if (earlier !== undefined) {
      problems.push({ path, message: `contract line ${lineId} is already on the order as items[${earlier}]`, fix: 'use one item per contract line, or amend the contract' });
      return;
    }
    itemIndexByLine.set(lineId, index);
    problems.push(...driftProblems(item, index, contract.id, line));
  });

  contract?.lines.forEach((line, j) => {
    if (itemIndexByLine.has(line.id)) return;
    // A duplicate line id was reported above; its first occurrence decides whether the id is on the order.
    if (contract.lines.findIndex((candidate) => candidate.id === line.id) !== j) return;
    problems.push({ path: `contract.lines[${j}]`, message: `contract line ${line.id} is not on the order`, fix: `add an item with "contractLineId": "${line.id}", or amend the contract` });
  });
  return problems;
}
