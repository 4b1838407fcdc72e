import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { schemaProblems, type OptionSchema } from '../../../graph/schema-check';
import { INVOKE_OPTION_KEYS, InvokeExecutorOptions, normalizeInvokeOptions } from './normalize-options';

const loc = { projectName: 'orders', projectRoot: 'apps/orders', workspaceRoot: '/ws' };

describe('invoke executor options', () => {
  it('schema.json declares exactly the invoke options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...INVOKE_OPTION_KEYS].sort());
  });

  it('defaults to Lambda\'s 3 s and 128 MB, an empty event and dist/{projectRoot}', () => {
    expect(normalizeInvokeOptions({}, loc)).toEqual({ eventSource: undefined, timeoutMs: 3000, memoryMb: 128, env: {}, artifactDir: '/ws/dist/apps/orders' });
  });

  it('takes timeout, memory and environment from the options only', () => {
    expect(normalizeInvokeOptions({ timeout: 2.5, memorySize: 256, environment: { FOO: 'bar' } }, loc)).toMatchObject({ timeoutMs: 2500, memoryMb: 256, env: { FOO: 'bar' } });
  });

  it('--stage puts that stage\'s timeout, memory and environment over the options, as deploy does, and nothing else of it', () => {
    const input: InvokeExecutorOptions = {
      timeout: 3, memorySize: 256, environment: { TABLE: 'orders', STAGE: 'dev' },
      stages: { prod: { functionName: 'orders-prod', alias: 'live', role: 'arn:aws:iam::1:role/prod', memorySize: 1024, environment: { STAGE: 'prod' } } },
    };
    expect(normalizeInvokeOptions({ ...input, stage: 'prod' }, loc)).toMatchObject({ timeoutMs: 3000, memoryMb: 1024, env: { TABLE: 'orders', STAGE: 'prod' } });
    expect(normalizeInvokeOptions(input, loc)).toMatchObject({ memoryMb: 256, env: { TABLE: 'orders', STAGE: 'dev' } });
  });

  it('refuses a stage the function does not define, or a stage setting invoke cannot run with, as deploy does', () => {
    expect(() => normalizeInvokeOptions({ stage: 'prd', stages: { prod: {}, dev: {} } }, loc)).toThrow(/orders:invoke - no stage "prd": this function's stages are prod, dev[\s\S]*"stages": \{ "prd"[\s\S]*apps\/orders\/lambda.json/);
    expect(() => normalizeInvokeOptions({ stage: 'prod' }, loc)).toThrow(/orders:invoke - no stage "prod": this function defines no stages/);
    expect(() => normalizeInvokeOptions({ stage: 'prod', stages: { prod: { timeout: 1000 } } }, loc)).toThrow(/orders:invoke - stage "prod": "timeout" is 1000; it must be at most 900[\s\S]*deploy.stages.prod in apps\/orders\/lambda.json/);
  });

  it('resolves the event file from the workspace root and keeps "-" for stdin', () => {
    expect(normalizeInvokeOptions({ event: 'events/order.json' }, loc).eventSource).toBe('/ws/events/order.json');
    expect(normalizeInvokeOptions({ event: '-' }, loc).eventSource).toBe('-');
  });

  it('leaves Lambda\'s limits to schema.json, which Nx checks before the executor runs', () => {
    const problems = (options: object) => schemaProblems(schema as OptionSchema, options);
    expect(problems({ timeout: 900, memorySize: 10240, environment: { A: '1' } })).toEqual([]);
    expect(problems({ timeout: 1000 })).toEqual(['"timeout" is 1000; it must be at most 900']);
    expect(problems({ memorySize: 64 })).toEqual(['"memorySize" is 64; it must be at least 128']);
    expect(problems({ environment: { A: 1 } })).toEqual(['"environment.A" is 1; it must be a string']);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: InvokeExecutorOptions = { environment: { A: '1' }, timeout: 5 };
    const frozen = JSON.stringify(input);
    const n = normalizeInvokeOptions(input, loc);
    expect(n.env).not.toBe(input.environment);
    expect(JSON.stringify(input)).toBe(frozen);
  });
});
