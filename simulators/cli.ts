import fs from 'node:fs';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { FaultsConfigSchema, type FaultSpec, type FaultsConfig } from './faults';
import type { SimulatorOptions } from './index';
import { parseStockDocument } from './stock';

/**
 * The simulators' command line, turned into `startSimulators` options. Every mistake is a
 * `UsageError` whose message says what is wrong; `main.ts` prints it with the usage and exits 2.
 */

export const USAGE = `usage: tsx simulators/main.ts [options]

  --port N             port to listen on (default 7300; 0 picks a free one)
  --host HOST          address to bind (default 127.0.0.1)
  --data-dir DIR       where invoices, idempotency records and stock are kept (default .ordo/simulators)
  --faults FILE        faults from the start, JSON or YAML: { <system>: spec | [spec, ...] }
  --fault SPEC         one fault, repeatable: SYSTEM[/OPERATION]:key=value,...
                       e.g. --fault shipping/ship:failNext=2  --fault inventory:latencyMs=500,errorRate=0.1
  --stock FILE         stock levels, JSON or YAML: { <location>: { <product>: qty }, defaultStock?: n }
  --default-stock N    stock of any product a location does not list (default 0)
  -h, --help           show this help

fault keys: latencyMs, latencyJitterMs, errorRate (0..1), errorStatus, errorCode, outageMs, failNext, failAfterWork`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CommandLine = { help: true } | { help: false; options: SimulatorOptions };

export function parseCommandLine(argv: string[]): CommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        faults: { type: 'string' },
        fault: { type: 'string', multiple: true },
        stock: { type: 'string' },
        'default-stock': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };

  const faults: FaultsConfig = values.faults ? readFaultsFile(values.faults) : {};
  for (const flag of values.fault ?? []) {
    const { system, spec } = parseFaultFlag(flag);
    const existing = faults[system];
    faults[system] = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), spec];
  }

  const stockDocument = values.stock ? readStockFile(values.stock) : undefined;
  const defaultStock =
    values['default-stock'] !== undefined
      ? wholeNumber('--default-stock', values['default-stock'], Number.MAX_SAFE_INTEGER)
      : stockDocument?.defaultStock;

  return {
    help: false,
    options: {
      port: values.port !== undefined ? wholeNumber('--port', values.port, 65535) : 7300,
      host: values.host ?? '127.0.0.1',
      dataDir: values['data-dir'] ?? '.ordo/simulators',
      faults,
      stock: stockDocument?.levels,
      defaultStock,
    },
  };
}

/** `SYSTEM[/OPERATION]:key=value,...` → one fault spec. Values are numbers, true/false, or text. */
export function parseFaultFlag(flag: string): { system: string; spec: FaultSpec } {
  const match = /^([^/:]+)(?:\/([^:]+))?:(.+)$/.exec(flag);
  if (!match) throw new UsageError(`--fault "${flag}": expected SYSTEM[/OPERATION]:key=value,...`);
  const [, system, operation, pairs] = match as unknown as [string, string, string | undefined, string];
  const raw: Record<string, unknown> = operation ? { operation } : {};
  for (const pair of pairs.split(',')) {
    const [key, value] = pair.split('=');
    if (!key || value === undefined) throw new UsageError(`--fault "${flag}": "${pair}" is not key=value`);
    raw[key.trim()] = scalar(value.trim());
  }
  const parsed = FaultsConfigSchema.safeParse({ [system]: raw });
  if (!parsed.success) throw new UsageError(`--fault "${flag}": ${issueText(parsed.error.issues[0], 1)}`);
  return { system, spec: raw as FaultSpec };
}

function readFaultsFile(file: string): FaultsConfig {
  const parsed = FaultsConfigSchema.safeParse(readDocument('--faults', file) ?? {});
  if (!parsed.success) throw new UsageError(`--faults ${file}: ${issueText(parsed.error.issues[0])}`);
  return parsed.data;
}

function readStockFile(file: string) {
  try {
    return parseStockDocument(readDocument('--stock', file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--stock ${file}: ${(error as Error).message}`);
  }
}

/** Reads a JSON or YAML file (JSON is YAML, so one parser reads both). */
function readDocument(flag: string, file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return YAML.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${file}: not valid JSON or YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function wholeNumber(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not "${text}"`);
  return value;
}

function scalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
}

/** A zod issue as `path: message`, dropping `skip` leading path parts already named by the caller. */
function issueText(issue: { path: ReadonlyArray<PropertyKey>; message: string } | undefined, skip = 0): string {
  if (!issue) return 'invalid';
  const path = issue.path.slice(skip).map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
