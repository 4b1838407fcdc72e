import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { GO_OPTION_KEYS, GoExecutorOptions, normalizeGoOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: GoExecutorOptions = { handler: 'bootstrap', runtime: 'provided.al2023' };

describe('go executor options', () => {
  it('schema.json declares exactly the common options and the go options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...GO_OPTION_KEYS].sort());
  });

  it('builds the project root by default, with no extra tags', () => {
    const n = normalizeGoOptions(base, loc);
    expect(n).toEqual({ mainPackage: '.', buildTags: [] });
    expect(schema.properties.mainPackage.default).toBe(n.mainPackage);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: GoExecutorOptions = { ...base, mainPackage: ' ./cmd/fn ', buildTags: ['prod', ' prod', 'x'] };
    const frozen = JSON.stringify(input);
    const n = normalizeGoOptions(input, loc);
    expect(n).toEqual({ mainPackage: './cmd/fn', buildTags: ['prod', 'x'] });
    expect(n.buildTags).not.toBe(input.buildTags);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a package pattern, saying to name one folder', () => {
    expect(() => normalizeGoOptions({ ...base, mainPackage: './...' }, loc)).toThrow(/fn:package - "mainPackage" is ".\/\.\.\.", a pattern[\s\S]*\.\/cmd\/handler/);
  });

  it('rejects a tag list packed into one entry', () => {
    expect(() => normalizeGoOptions({ ...base, buildTags: ['a,b'] }, loc)).toThrow(/build tag "a,b" is not a single tag[\s\S]*its own "buildTags" entry/);
  });
});
