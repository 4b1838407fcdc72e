import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { normalizeRubyOptions, RUBY_OPTION_KEYS, RubyExecutorOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: RubyExecutorOptions = { handler: 'app.handler', runtime: 'ruby3.3' };

describe('ruby executor options', () => {
  it('schema.json declares exactly the common options and the ruby options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...RUBY_OPTION_KEYS].sort());
  });

  it('leaves out the development and test groups by default, as schema.json says', () => {
    const n = normalizeRubyOptions(base, loc);
    expect(n).toEqual({ bundleWithout: ['development', 'test'] });
    expect(schema.properties.bundleWithout.default).toEqual(n.bundleWithout);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: RubyExecutorOptions = { ...base, bundleWithout: [' ci ', 'ci', 'test'] };
    const frozen = JSON.stringify(input);
    expect(normalizeRubyOptions(input, loc)).toEqual({ bundleWithout: ['ci', 'test'] });
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects groups packed into one entry', () => {
    expect(() => normalizeRubyOptions({ ...base, bundleWithout: ['development:test'] }, loc)).toThrow(/group "development:test" holds a separator[\s\S]*its own "bundleWithout" entry/);
  });
});
