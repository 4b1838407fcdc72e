import * as http from 'node:http';
import * as net from 'node:net';

/** A port on 127.0.0.1 that was just listened on and closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}

export interface ProxiedRequest {
  method: string;
  url: string;
  body: Buffer;
}

/** `before`: drop this request unanswered; `after`: answer it, then go away. */
export type CutPoint = 'before' | 'after';

export interface CuttingProxy {
  endpoint: string;
  /** True once the port is closed. */
  readonly cut: boolean;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` until `cutAt` picks one; then it stops listening and drops
 * its connections, so every later request is refused: Lambda (or S3) going out of reach half-way
 * through a deploy, on a real socket.
 */
export async function startCuttingProxy(target: string, cutAt: (req: ProxiedRequest) => CutPoint | undefined): Promise<CuttingProxy> {
  let cut = false;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  const shut = () => {
    cut = true;
    server.close();
    server.closeAllConnections();
  };
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const point = cutAt({ method: req.method ?? '', url: req.url ?? '', body });
    if (point === 'before') return shut();
    const answer = await forward(target, req, body);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body, () => {
      if (point === 'after') shut();
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get cut() {
      return cut;
    },
    close: () => new Promise<void>((resolve) => {
      if (cut) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function forward(target: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}
