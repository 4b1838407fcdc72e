import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { normalizePythonOptions, PYTHON_OPTION_KEYS, PythonExecutorOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: PythonExecutorOptions = { handler: 'app.handler', runtime: 'python3.12' };

describe('python executor options', () => {
  it('schema.json declares exactly the common options and the python options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...PYTHON_OPTION_KEYS].sort());
  });

  it('fills the defaults, in step with schema.json', () => {
    const n = normalizePythonOptions(base, loc);
    expect(n).toEqual({ python: 'python3', sourceDir: '.', requirementsFile: 'requirements.txt', extraIndexUrls: [], findLinks: [], keepTests: false });
    expect(schema.properties.python.default).toBe(n.python);
    expect(schema.properties.sourceDir.default).toBe(n.sourceDir);
    expect(schema.properties.requirementsFile.default).toBe(n.requirementsFile);
    expect(schema.properties.keepTests.default).toBe(n.keepTests);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: PythonExecutorOptions = { ...base, findLinks: [' wheels/ ', 'wheels/'], indexUrl: ' https://pypi.example/simple ' };
    const frozen = JSON.stringify(input);
    const n = normalizePythonOptions(input, loc);
    expect(n.findLinks).toEqual(['wheels/']);
    expect(n.indexUrl).toBe('https://pypi.example/simple');
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a sourceDir outside the project, saying what to set', () => {
    expect(() => normalizePythonOptions({ ...base, sourceDir: '../other' }, loc)).toThrow(/fn:package - "sourceDir" \(\.\.\/other\) leaves the project[\s\S]*inside apps\/fn/);
  });

  it('rejects a lockFile that is not a uv.lock or poetry.lock', () => {
    expect(() => normalizePythonOptions({ ...base, lockFile: 'Pipfile.lock' }, loc)).toThrow(/neither a uv\.lock nor a poetry\.lock/);
  });
});
