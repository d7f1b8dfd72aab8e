import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Hop-by-hop and length headers are the gate's own business on each leg.
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const DROPPED_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** Forwards Kinesis JSON requests to the upstream endpoint over HTTP/1.1 keep-alive. */
export class Upstream {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(endpoint: string) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`upstream: only plain http:// endpoints are supported (got ${endpoint})`);
  }

  async send(path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<UpstreamResponse> {
    const outHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !DROPPED_HEADERS.has(name)) outHeaders[name] = value;
    }
    outHeaders['content-length'] = String(body.length);
    for (;;) {
      try {
        return await this.request(path, outHeaders, body);
      } catch (err) {
        // An idle keep-alive socket the upstream closed just as we reused it: the upstream was not
        // reading it, so the request goes again (as Node's docs advise). Each stale socket is gone
        // after its failure, so this ends at the latest on a fresh connection.
        if (!(err as { reusedSocket?: boolean }).reusedSocket || !STALE_SOCKET_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
    }
  }

  private request(path: string, outHeaders: Record<string, string | string[]>, body: Buffer): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        { agent: this.agent, hostname: this.url.hostname, port: this.url.port, method: 'POST', path, headers: outHeaders },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
