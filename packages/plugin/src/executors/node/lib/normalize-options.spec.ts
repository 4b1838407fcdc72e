import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { NODE_OPTION_KEYS, NodeExecutorOptions, normalizeNodeOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: NodeExecutorOptions = { handler: 'src/handler.handler', runtime: 'nodejs22.x' };

describe('node executor options', () => {
  it('schema.json declares exactly the common options and the node options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...NODE_OPTION_KEYS].sort());
  });

  it('fills the defaults: format from the entry, no minify, no source map, SDK external', () => {
    expect(normalizeNodeOptions(base, loc)).toEqual({ format: 'auto', minify: false, sourcemap: false, external: [], bundleAwsSdk: false, nodeModules: [] });
  });

  it('keeps the schema defaults in step with the normalised defaults', () => {
    const n = normalizeNodeOptions(base, loc);
    expect(schema.properties.format.default).toBe(n.format);
    expect(schema.properties.sourcemap.default).toBe(n.sourcemap);
    expect(schema.properties.bundleAwsSdk.default).toBe(n.bundleAwsSdk);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: NodeExecutorOptions = { ...base, nodeModules: [' sharp ', 'sharp'], external: ['pg-native'] };
    const frozen = JSON.stringify(input);
    const n = normalizeNodeOptions(input, loc);
    expect(n.nodeModules).toEqual(['sharp']);
    expect(n.external).not.toBe(input.external);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a package listed in both nodeModules and external, saying which to remove', () => {
    expect(() => normalizeNodeOptions({ ...base, nodeModules: ['sharp'], external: ['sharp'] }, loc)).toThrow(/fn:package - sharp is listed in both "nodeModules" and "external"[\s\S]*Remove it from one of them/);
  });
});
