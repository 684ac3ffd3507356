import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through in front of the simulators that can take one system down: Ordo's worker reads the storefront
 * and CPQ through it, while the test keeps talking to the simulators themselves (checkouts go on during an
 * outage, as they would). The simulators' own faults cover POSTs only, and the intake reads with GETs.
 */
export interface OutageProxy {
  url: string;
  /** Answers 503 `outage` to every request under `/<system>/` until `up`. */
  down(system: string): void;
  up(system: string): void;
  close(): Promise<void>;
}

export async function startOutageProxy(target: string): Promise<OutageProxy> {
  const downSystems = new Set<string>();
  const server = http.createServer((request, response) => {
    const system = (request.url ?? '/').split('/')[1];
    if (downSystems.has(system)) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'outage', message: `${system} is down (test outage)` } }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
      fetch(`${target}${request.url}`, { method: request.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: Error) => {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 'proxy', message: error.message } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    down: (system) => downSystems.add(system),
    up: (system) => downSystems.delete(system),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
