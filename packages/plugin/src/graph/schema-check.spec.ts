import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionSchema, schemaProblems } from './schema-check';

const schemaOf = (executor: string) => JSON.parse(readFileSync(path.join(__dirname, '..', 'executors', executor, 'schema.json'), 'utf8')) as OptionSchema;

describe('schemaProblems (the executors\' own schema.json files)', () => {
  const node = schemaOf('node');

  it('accepts what the schema allows', () => {
    expect(schemaProblems(node, { handler: 'src/handler.handler', runtime: 'nodejs22.x', architecture: 'arm64', sourcemap: 'external', compressionLevel: 9, nodeModules: ['sharp'] })).toEqual([]);
    expect(schemaProblems(node, { handler: 'h.handler', runtime: 'nodejs20.x', sourcemap: true })).toEqual([]);
  });

  it('names each refused option and what it takes', () => {
    expect(schemaProblems(node, { runtime: 'nodejs22.x', architecture: 'arm', compressionLevel: 12, minify: 'yes', nodeModules: ['sharp', 3], sourcemap: 'inline', memorySize: 512 })).toEqual([
      '"handler" is missing',
      '"architecture" is "arm"; use one of x86_64, arm64',
      '"compressionLevel" is 12; it must be at most 9',
      '"minify" is "yes"; it must be a boolean',
      '"nodeModules[1]" is 3; it must be a string',
      '"sourcemap" is "inline"; use a boolean or "external"',
      '"memorySize" is not an option of this executor',
    ]);
  });

  it('checks nested objects against additionalProperties schemas (deploy environment)', () => {
    const deploy = schemaOf('deploy');
    expect(schemaProblems(deploy, { environment: { STAGE: 'prod', RETRIES: 3 } })).toEqual(['"environment.RETRIES" is 3; it must be a string']);
  });
});
