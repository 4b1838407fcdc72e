import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeApiOutcome, RuntimeApiServer } from './runtime-api-server';

const BASE = '/2018-06-01/runtime';

describe('RuntimeApiServer (the local Lambda Runtime API)', () => {
  let api: RuntimeApiServer | undefined;
  afterEach(async () => api?.close());

  async function start(): Promise<{ api: RuntimeApiServer; outcomes: RuntimeApiOutcome[] }> {
    const outcomes: RuntimeApiOutcome[] = [];
    api = await RuntimeApiServer.start({ onOutcome: (o) => outcomes.push(o) });
    return { api, outcomes };
  }

  it('listens on 127.0.0.1 only', async () => {
    const { api } = await start();
    expect(api.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('hands out the event with request id, deadline and function ARN headers', async () => {
    const { api } = await start();
    const before = Date.now();
    const inv = api.enqueue(Buffer.from('{"a":1}'), 3000, 'arn:aws:lambda:us-east-1:000000000000:function:f');
    const res = await fetch(`http://${api.address}${BASE}/invocation/next`);
    expect(await res.json()).toEqual({ a: 1 });
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe(inv.requestId);
    expect(Number(res.headers.get('lambda-runtime-deadline-ms'))).toBeGreaterThanOrEqual(before + 3000);
    expect(res.headers.get('lambda-runtime-invoked-function-arn')).toBe('arn:aws:lambda:us-east-1:000000000000:function:f');
  });

  it('takes the response for the request id it handed out, and refuses an unknown id', async () => {
    const { api, outcomes } = await start();
    const inv = api.enqueue(Buffer.from('{}'), 3000, 'arn');
    await fetch(`http://${api.address}${BASE}/invocation/next`);
    const unknown = await fetch(`http://${api.address}${BASE}/invocation/nope/response`, { method: 'POST', body: '1' });
    expect(unknown.status).toBe(400);
    const ok = await fetch(`http://${api.address}${BASE}/invocation/${inv.requestId}/response`, { method: 'POST', body: '"done"' });
    expect(ok.status).toBe(202);
    expect(outcomes).toEqual([{ kind: 'response', requestId: inv.requestId, body: Buffer.from('"done"') }]);
  });

  it('normalises Node\'s `trace` and the error-type header into Lambda\'s error shape', async () => {
    const { api, outcomes } = await start();
    await fetch(`http://${api.address}${BASE}/init/error`, {
      method: 'POST', body: '{"errorMessage":"boom","trace":["at x"]}', headers: { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' },
    });
    expect(outcomes).toEqual([{ kind: 'init-error', error: { errorMessage: 'boom', errorType: 'Runtime.ImportModuleError', stackTrace: ['at x'] } }]);
  });
});
