import * as fs from 'node:fs';
import * as path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { authRoutes, signedInUser } from './auth';
import { bundlePage, INDEX_HTML } from './bundle';
import { approvalRoutes } from './approval-routes';
import type { ConsoleContext, ConsoleEnv, ConsoleRoutes } from './context';
import { dashboardRoutes } from './dashboard-routes';
import { deskRoutes } from './desk-routes';
import { errorResponse } from './http';
import { orderRoutes } from './order-routes';

/**
 * The operations console's server (docs/console.md): the page, its JSON API under /api, sign-in. Every /api route
 * but sign-in needs a signed-in user; reads go to Temporal when asked, actions through client/operator.ts.
 */

export interface ConsoleOptions {
  context: ConsoleContext;
  port: number;
  /** 127.0.0.1 by default: a deployment puts the console behind its own TLS proxy. */
  host?: string;
}

export interface RunningConsole {
  url: string;
  port: number;
  close(): Promise<void>;
}

const PARTS: ConsoleRoutes[] = [orderRoutes, approvalRoutes, deskRoutes, dashboardRoutes];

export function consoleApp(context: ConsoleContext, page: { script: string; css: string }) {
  const app = new Hono<ConsoleEnv>();
  app.onError((error, c) => errorResponse(error, c));
  app.use('*', async (c, next) => {
    c.set('user', await signedInUser(c, context));
    await next();
  });
  authRoutes(app, context);
  for (const addRoutes of PARTS) addRoutes(app, context);
  app.all('/api/*', (c) => c.json({ error: `no such API: ${c.req.method} ${c.req.path}`, code: 'not-found' }, 404));
  app.get('/app.js', (c) => c.body(page.script, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/console.css', (c) => c.body(page.css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('*', (c) => c.html(INDEX_HTML));
  return app;
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const script = await bundlePage();
  const css = fs.readFileSync(path.join(__dirname, 'page', 'console.css'), 'utf8');
  const app = consoleApp(options.context, { script, css });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(started));
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Live views hold connections open (server-sent events): close them rather than wait for them.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
