import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

// Test-only: a one-event Lambda Runtime API for custom-runtime bootstraps (PowerShell layer,
// .NET Native AOT). Replaced by the shared local-invoke engine when it lands.

/**
 * Runs `<opt>/bootstrap` against a one-event Lambda Runtime API on 127.0.0.1 and resolves with
 * what it posts back (path and body). The bootstrap is killed once it has answered.
 */
export async function invokeBootstrap(opt: string, taskRoot: string, handler: string, event: unknown): Promise<{ path: string; body: string }> {
  let served = false;
  let done!: (r: { path: string; body: string }) => void;
  let fail!: (e: Error) => void;
  const result = new Promise<{ path: string; body: string }>((res, rej) => ((done = res), (fail = rej)));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
      if (served) return; // park the second poll
      served = true;
      res.writeHead(200, {
        'Content-Type': 'application/json', 'Lambda-Runtime-Aws-Request-Id': 'req-1', 'Lambda-Runtime-Deadline-Ms': '4102444800000',
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:hello',
      });
      res.end(JSON.stringify(event));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(202).end('{}');
      done({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const stderr: Buffer[] = [];
  const child = spawn(path.join(opt, 'bootstrap'), [], {
    cwd: taskRoot, stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LAMBDA_TASK_ROOT: taskRoot, _HANDLER: handler, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, AWS_LAMBDA_FUNCTION_NAME: 'hello' },
  });
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.on('exit', (code) => fail(new Error(`bootstrap exited ${code} before answering:\n${Buffer.concat(stderr).toString('utf8')}`)));
  try {
    return await result;
  } finally {
    child.kill('SIGKILL');
    server.close();
  }
}
