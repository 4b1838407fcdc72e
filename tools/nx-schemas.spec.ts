import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { combineOptionsForExecutor } from 'nx/src/utils/params';
import { describe, expect, it } from 'vitest';
import { schemaProblems, type OptionSchema } from '../packages/plugin/src/graph/schema-check';
// @ts-expect-error the build script is plain JavaScript
import { lenientSchema } from './nx-schemas.mjs';

const pluginDir = path.join(__dirname, '..', 'packages', 'plugin');
const strict = JSON.parse(readFileSync(path.join(pluginDir, 'src/executors/node/schema.json'), 'utf8')) as OptionSchema;
const lenient = lenientSchema(strict, 'node');
const target = { options: { handler: 'src/handler.handler', runtime: 'nodejs22.x' } };

/** What Nx's batch worker does with a task's options before any executor code runs (it throws on a refusal). */
const nxCombines = (commandLine: Record<string, unknown>, options: Record<string, unknown> = target.options) =>
  combineOptionsForExecutor(commandLine, '', { options }, lenient as never, '', '.');

describe('the schema Nx reads for a package executor (tools/nx-schemas.mjs)', () => {
  it('lets through every option the full schema refuses, so the executor refuses it for its own task', () => {
    const wrong = { architecture: 'arm', compressionLevel: 12, format: 'es', sourcemap: 'inline', minfy: true };
    expect(schemaProblems(strict, { ...target.options, ...wrong })).toHaveLength(5);
    expect(nxCombines(wrong)).toMatchObject(wrong);
    expect(nxCombines({}, { ...target.options, ...wrong })).toMatchObject(wrong);
    expect(nxCombines({ compressionLevel: 'abc', minify: 'yes' })).toMatchObject({ compressionLevel: 'abc', minify: 'yes' });
    expect(nxCombines({}, { runtime: 'nodejs22.x' })).not.toHaveProperty('handler');
  });

  it('keeps what Nx needs from it: command-line values coerced by type, and the defaults', () => {
    const combined = nxCombines({ minify: 'true', compressionLevel: '3', external: 'pg-native,sharp', sourcemap: 'true' });
    expect(combined).toMatchObject({ minify: true, compressionLevel: 3, external: ['pg-native', 'sharp'], sourcemap: true, architecture: 'x86_64', format: 'auto' });
    expect(nxCombines({ sourcemap: 'external' }).sourcemap).toBe('external');
    expect(schemaProblems(strict, combined)).toEqual([]);
  });

  it('names the values an option takes in its description, as the full schema did with enum', () => {
    expect(lenient.properties.architecture.description).toMatch(/One of: x86_64, arm64\.$/);
    expect(lenient.properties.sourcemap.description).toMatch(/One of: true, false, external\.$/);
  });

  it('is the schema executors.json names for every batch executor (the seven runtimes and deploy), and the build wrote it from src', () => {
    const executors = JSON.parse(readFileSync(path.join(pluginDir, 'executors.json'), 'utf8')).executors as Record<string, { schema: string; batchImplementation?: string }>;
    const lenientOnes = Object.entries(executors).filter(([, e]) => e.schema.endsWith('/nx-schema.json')).map(([name]) => name);
    expect(lenientOnes.sort()).toEqual(['deploy', 'dotnet', 'go', 'java', 'node', 'powershell', 'python', 'ruby']);
    for (const name of lenientOnes) {
      expect(executors[name].schema).toBe(`./dist/executors/${name}/nx-schema.json`);
      expect(JSON.parse(readFileSync(path.join(pluginDir, executors[name].schema), 'utf8'))).toEqual(lenientSchema(JSON.parse(readFileSync(path.join(pluginDir, 'src/executors', name, 'schema.json'), 'utf8')), name));
    }
  });
});

describe('the schema Nx reads for the deploy executor (batch mode)', () => {
  const deployStrict = JSON.parse(readFileSync(path.join(pluginDir, 'src/executors/deploy/schema.json'), 'utf8')) as OptionSchema;
  const deployLenient = lenientSchema(deployStrict, 'deploy');
  const combine = (commandLine: Record<string, unknown>, options: Record<string, unknown>) =>
    combineOptionsForExecutor(commandLine, '', { options }, deployLenient as never, '', '.');

  it('keeps object options as objects (Nx refused them with a bare SchemaError when typed ["object", "string"])', () => {
    const options = { region: 'eu-west-1', environment: { A: '1' }, stages: { prod: { functionName: 'orders-prod', alias: 'live' } }, vpc: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] }, tags: { team: 'x' } };
    expect(combine({}, options)).toMatchObject(options);
    expect(schemaProblems(deployStrict, combine({}, options))).toEqual([]);
  });

  it('lets a wrong value inside an object through to the executor, which names it', () => {
    const combined = combine({ environment: { X: 9 } }, { environment: { A: '1' } });
    expect(combined.environment).toMatchObject({ X: 9 });
    expect(schemaProblems(deployStrict, combined).join('\n')).toMatch(/environment\.X.*9.*string/);
  });
});
