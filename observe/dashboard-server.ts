// The live dashboard: one page on 127.0.0.1 and a server-sent-event stream that pushes the whole
// (bounded) model after every second's sample. SSE needs no library on either side, reconnects by
// itself, and passes through anything that speaks HTTP/1.1.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../common/user-error.js';
import { cityMap } from './city-map.js';
import { renderPage } from './page-html.js';
import type { PageModel } from './run-model.js';

export interface Dashboard {
  url: string;
  port: number;
  /** Sends the model to every open page. */
  push(model: PageModel, headline: string): void;
  close(): Promise<void>;
}

export async function startDashboard(options: { port: number; host?: string; title: string; model: () => PageModel }): Promise<Dashboard> {
  const clients = new Set<ServerResponse>();
  let last: string | undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') {
      const html = renderPage({ title: options.title, model: options.model(), map: cityMap(), live: true });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (req.method === 'GET' && path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 1000\n\n');
      if (last) res.write(last);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  // Comments keep idle connections open through proxies that time them out.
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    clearInterval(keepAlive);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError('--ui', options.port, 'is already in use; pick another port or 0 for any free one');
    throw err;
  }
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    port,
    push(model, headline) {
      last = `event: model\ndata: ${JSON.stringify({ at: Date.now(), headline, model })}\n\n`;
      for (const c of clients) c.write(last);
    },
    async close() {
      clearInterval(keepAlive);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
