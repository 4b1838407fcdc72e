import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { INVOKE_OPTION_KEYS, InvokeExecutorOptions, normalizeInvokeOptions } from './normalize-options';

const loc = { projectName: 'orders', projectRoot: 'apps/orders', workspaceRoot: '/ws' };

describe('invoke executor options', () => {
  it('schema.json declares exactly the invoke options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...INVOKE_OPTION_KEYS].sort());
  });

  it('defaults to Lambda\'s 3 s and 128 MB, an empty event and dist/{projectRoot}', () => {
    expect(normalizeInvokeOptions({}, {}, loc)).toEqual({ eventSource: undefined, timeoutMs: 3000, memoryMb: 128, env: {}, artifactDir: '/ws/dist/apps/orders' });
  });

  it('takes timeout, memory and environment from lambda.json, and target options win', () => {
    const n = normalizeInvokeOptions({ memorySize: 512, environment: { B: 'target' } }, { timeout: 10, memorySize: 256, environment: { A: '1', B: 'marker' } }, loc);
    expect(n).toMatchObject({ timeoutMs: 10_000, memoryMb: 512, env: { A: '1', B: 'target' } });
  });

  it('resolves the event file from the workspace root and keeps "-" for stdin', () => {
    expect(normalizeInvokeOptions({ event: 'events/order.json' }, {}, loc).eventSource).toBe('/ws/events/order.json');
    expect(normalizeInvokeOptions({ event: '-' }, {}, loc).eventSource).toBe('-');
  });

  it('rejects a timeout Lambda would not accept, saying where to change it', () => {
    expect(() => normalizeInvokeOptions({}, { timeout: 1000 }, loc)).toThrow(/orders:invoke - timeout 1000 is outside Lambda's 1-900 seconds\.\nSet "timeout"/);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: InvokeExecutorOptions = { environment: { A: '1' }, timeout: 5 };
    const frozen = JSON.stringify(input);
    const n = normalizeInvokeOptions(input, {}, loc);
    expect(n.env).not.toBe(input.environment);
    expect(JSON.stringify(input)).toBe(frozen);
  });
});
