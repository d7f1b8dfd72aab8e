import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Hop-by-hop and length headers are the gate's own business on each leg.
const DROPPED_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** Forwards Kinesis JSON requests to the upstream endpoint over HTTP/1.1 keep-alive. */
export class Upstream {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(endpoint: string) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`upstream: only plain http:// endpoints are supported (got ${endpoint})`);
  }

  send(path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<UpstreamResponse> {
    const outHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !DROPPED_HEADERS.has(name)) outHeaders[name] = value;
    }
    outHeaders['content-length'] = String(body.length);
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
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
