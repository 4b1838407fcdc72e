import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The error body Lambda returns to the caller: what `/error` and `/init/error` receive. */
export interface LambdaErrorShape {
  errorMessage: string;
  errorType: string;
  stackTrace?: string[];
}

/** One event to hand to the runtime, and what came back for it. */
export interface PendingInvocation {
  requestId: string;
  event: Buffer;
  /** Absolute deadline (epoch ms) sent as Lambda-Runtime-Deadline-Ms; fixed when the runtime takes it. */
  deadlineMs?: number;
}

export type RuntimeApiOutcome =
  | { kind: 'response'; requestId: string; body: Buffer }
  | { kind: 'error'; requestId: string; error: LambdaErrorShape }
  | { kind: 'init-error'; error: LambdaErrorShape };

export interface RuntimeApiHooks {
  /** The runtime asked for its first event: init is over. */
  onNext?(invocation: PendingInvocation): void;
  onOutcome(outcome: RuntimeApiOutcome): void;
}

const BASE = '/2018-06-01/runtime';
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/**
 * A local Lambda Runtime API (the documented `/2018-06-01/runtime/...` endpoints) on 127.0.0.1,
 * shared by every runtime: our bootstraps and custom `bootstrap` binaries speak to it alike.
 * It serves one queued invocation at a time; a `next` call with nothing queued is held open,
 * as Lambda does between invocations.
 */
export class RuntimeApiServer {
  private readonly server: http.Server;
  private readonly queue: PendingInvocation[] = [];
  private readonly waiting: http.ServerResponse[] = [];
  private readonly inFlight = new Map<string, PendingInvocation>();
  private timeoutMs = 3000;
  private functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:local';

  private constructor(private readonly hooks: RuntimeApiHooks) {
    this.server = http.createServer((req, res) => this.route(req, res));
  }

  static async start(hooks: RuntimeApiHooks): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(hooks);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const a = this.server.address() as AddressInfo;
    return `127.0.0.1:${a.port}`;
  }

  /** Queues one event; the deadline starts when the runtime picks it up. */
  enqueue(event: Buffer, timeoutMs: number, functionArn: string): PendingInvocation {
    this.timeoutMs = timeoutMs;
    this.functionArn = functionArn;
    const invocation: PendingInvocation = { requestId: randomUUID(), event };
    const res = this.waiting.shift();
    if (res) this.deliver(invocation, res);
    else this.queue.push(invocation);
    return invocation;
  }

  async close(): Promise<void> {
    for (const res of this.waiting.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(invocation: PendingInvocation, res: http.ServerResponse): void {
    invocation.deadlineMs = Date.now() + this.timeoutMs;
    this.inFlight.set(invocation.requestId, invocation);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': this.functionArn,
      'Lambda-Runtime-Trace-Id': `Root=1-00000000-${invocation.requestId.replace(/-/g, '').slice(0, 24)};Parent=0000000000000000;Sampled=0`,
    });
    res.end(invocation.event);
    this.hooks.onNext?.(invocation);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && url === `${BASE}/invocation/next`) {
      const invocation = this.queue.shift();
      if (invocation) this.deliver(invocation, res);
      else this.waiting.push(res);
      return;
    }
    if (req.method !== 'POST') return reply(res, 405, { errorMessage: `${req.method} ${url} is not part of the Runtime API`, errorType: 'InvalidRequest' });
    readBody(req, (body, tooBig) => {
      if (url === `${BASE}/init/error`) {
        reply(res, 202, { status: 'OK' });
        this.hooks.onOutcome({ kind: 'init-error', error: parseError(body, req.headers) });
        return;
      }
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      const invocation = m ? this.inFlight.get(decodeURIComponent(m[1])) : undefined;
      if (!m || !invocation) return reply(res, 400, { errorMessage: `unknown request id or path: ${url}`, errorType: 'InvalidRequestID' });
      this.inFlight.delete(invocation.requestId);
      if (m[2] === 'response' && tooBig) {
        reply(res, 413, { errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'RequestEntityTooLarge' });
        this.hooks.onOutcome({
          kind: 'error', requestId: invocation.requestId,
          error: { errorMessage: `Response payload size (${body.length} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'Function.ResponseSizeTooLarge' },
        });
        return;
      }
      reply(res, 202, { status: 'OK' });
      if (m[2] === 'response') this.hooks.onOutcome({ kind: 'response', requestId: invocation.requestId, body });
      else this.hooks.onOutcome({ kind: 'error', requestId: invocation.requestId, error: parseError(body, req.headers) });
    });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, done: (body: Buffer, tooBig: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    chunks.push(c);
  });
  req.on('end', () => done(Buffer.concat(chunks), size > MAX_RESPONSE_BYTES));
}

/**
 * Normalises what a runtime posts as an error. Lambda's runtimes differ: Node sends `trace`,
 * Python and Go `stackTrace`; a custom runtime may post anything, or only the
 * Lambda-Runtime-Function-Error-Type header.
 */
export function parseError(body: Buffer, headers: http.IncomingHttpHeaders): LambdaErrorShape {
  const headerType = headers['lambda-runtime-function-error-type'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const obj = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const trace = obj.stackTrace ?? obj.trace;
  const error: LambdaErrorShape = {
    errorMessage: typeof obj.errorMessage === 'string' ? obj.errorMessage : body.toString('utf8'),
    errorType: typeof obj.errorType === 'string' ? obj.errorType : typeof headerType === 'string' ? headerType : 'Unhandled',
  };
  if (Array.isArray(trace)) error.stackTrace = trace.map((t) => (typeof t === 'string' ? t : JSON.stringify(t)));
  return error;
}
