import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { normalizePowerShellOptions, normalizeRuntimeLayerOptions, POWERSHELL_OPTION_KEYS, PowerShellExecutorOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: PowerShellExecutorOptions = { handler: 'handler.ps1::Invoke-Handler', runtime: 'provided.al2023' };

describe('powershell executor options', () => {
  it('schema.json declares exactly the common options and the powershell options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...POWERSHELL_OPTION_KEYS].sort());
  });

  it('packages every .ps1 and searches the whole workspace for modules by default', () => {
    const n = normalizePowerShellOptions(base, loc);
    expect(n).toEqual({ scripts: ['**/*.ps1'], modulePaths: ['.'] });
    expect(schema.properties.scripts.default).toEqual(n.scripts);
    expect(schema.properties.modulePaths.default).toEqual(n.modulePaths);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: PowerShellExecutorOptions = { ...base, pwsh: ' /opt/pwsh ', scripts: [' src/*.ps1 ', ''], modulePaths: ['libs/ps '] };
    const frozen = JSON.stringify(input);
    expect(normalizePowerShellOptions(input, loc)).toEqual({ pwsh: '/opt/pwsh', scripts: ['src/*.ps1'], modulePaths: ['libs/ps'] });
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a module path outside the workspace', () => {
    expect(() => normalizePowerShellOptions({ ...base, modulePaths: ['../shared'] }, loc)).toThrow(/module path "..\/shared" leaves the workspace[\s\S]*PSModulePath/);
  });

  it('rejects pwshDistribution on a function target', () => {
    expect(() => normalizePowerShellOptions({ ...base, pwshDistribution: 'tools/pwsh' }, loc)).toThrow(/Set "runtimeLayer": true/);
  });

  it('requires pwshDistribution for the runtime layer', () => {
    expect(() => normalizeRuntimeLayerOptions({ ...base, runtimeLayer: true }, loc)).toThrow(/fn:runtime-layer - "pwshDistribution" is not set/);
    expect(normalizeRuntimeLayerOptions({ ...base, runtimeLayer: true, pwshDistribution: ' vendor/pwsh ' }, loc)).toEqual({ distribution: 'vendor/pwsh' });
  });
});
