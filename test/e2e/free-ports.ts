import * as net from 'node:net';

/** A port on loopback with the `count - 1` after it free too (the server takes a run of ports). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32768: the server keeps its membership ports in a SMALLINT column.
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return first;
  }
  throw new Error(`no run of ${count} free ports found on 127.0.0.1`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
