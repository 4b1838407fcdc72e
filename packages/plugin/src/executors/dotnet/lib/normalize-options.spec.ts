import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { DOTNET_OPTION_KEYS, DotnetExecutorOptions, normalizeDotnetOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: DotnetExecutorOptions = { handler: 'Fn::Fn.Function::Handler', runtime: 'dotnet8' };

describe('dotnet executor options', () => {
  it('schema.json declares exactly the common options and the dotnet options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...DOTNET_OPTION_KEYS].sort());
  });

  it('publishes Release, managed, with the project found by the build by default', () => {
    const n = normalizeDotnetOptions(base, loc);
    expect(n).toEqual({ configuration: 'Release', nativeAot: false });
    expect(schema.properties.configuration.default).toBe(n.configuration);
    expect(schema.properties.nativeAot.default).toBe(n.nativeAot);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: DotnetExecutorOptions = { ...base, runtime: 'provided.al2023', nativeAot: true, project: ' src/Fn.csproj ', configuration: ' Debug ' };
    const frozen = JSON.stringify(input);
    expect(normalizeDotnetOptions(input, loc)).toEqual({ project: 'src/Fn.csproj', configuration: 'Debug', nativeAot: true });
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a project option that is not a .csproj', () => {
    expect(() => normalizeDotnetOptions({ ...base, project: 'src/Fn.sln' }, loc)).toThrow(/fn:package - "project" is "src\/Fn.sln", which is not a .csproj file/);
  });

  it('rejects nativeAot on a managed runtime, saying to use provided.al2023', () => {
    expect(() => normalizeDotnetOptions({ ...base, nativeAot: true }, loc)).toThrow(/"nativeAot" is true but "runtime" is "dotnet8"[\s\S]*provided.al2023/);
  });

  it('rejects a custom runtime without nativeAot', () => {
    expect(() => normalizeDotnetOptions({ ...base, runtime: 'provided.al2023' }, loc)).toThrow(/a custom runtime, but "nativeAot" is not set/);
  });
});
