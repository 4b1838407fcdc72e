import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '@nx-lambda/core';
import { startLambdaApi, type LambdaApi } from '../tools/lambda-api/server.mjs';
import { executed, parseTaskRuns, restored } from './support/nx-output';
import { EVENT_FILE, EXPECTED_RESPONSES, FUNCTIONS, LAYERS, LIBRARY_DEPENDENTS, LIBRARY_SOURCES, RUNTIME_LAYERS, scaffoldWorkspace } from './support/scaffold';
import { cloneWorkspace, E2eWorkspace, removeWorkspaces } from './support/workspace';

const STATIC = '--outputStyle=static';
const ROLE = 'arn:aws:iam::123456789012:role/e2e-lambda';
const zipOf = (fn: string) => `dist/functions/${fn}/function.zip`;

let ws: E2eWorkspace;

interface Manifest {
  codeSha256: string;
  layers: string[];
  dependencies: { name: string; location: string }[];
}
const manifestOf = async (w: E2eWorkspace, fn: string) => JSON.parse(await w.read(`dist/functions/${fn}/manifest.json`)) as Manifest;

/** Every package and layer target, through Nx (cache hits when nothing changed). */
const packageAll = (w: E2eWorkspace = ws) => w.nx(['run-many', '-t', 'layer,package', STATIC]);

/** Edits a library source file for the length of `body`, then restores it from git. */
async function withLibraryChange<T>(lib: keyof typeof LIBRARY_SOURCES, body: () => Promise<T>): Promise<T> {
  const file = LIBRARY_SOURCES[lib];
  await ws.write(file, `${await ws.read(file)}${file.endsWith('.py') ? '#' : '//'} changed by the e2e suite\n`);
  try {
    return await body();
  } finally {
    await ws.git(['checkout', '--', file]);
  }
}

beforeAll(async () => {
  ws = await scaffoldWorkspace('suite');
}, 1_200_000);

afterAll(async () => {
  // Stops the daemon-less workspace's leftovers from filling $TMPDIR; NX_LAMBDA_E2E_KEEP=1 keeps them to look at.
  await removeWorkspaces();
});

describe('packaging', () => {
  it('nx run-many -t layer,package builds a zip and manifest for every function and layer', async () => {
    const { stdout } = await packageAll();
    const runs = parseTaskRuns(stdout);
    expect(runs.filter((r) => r.target === 'package').map((r) => r.project).sort()).toEqual([...FUNCTIONS].sort());
    expect(runs.filter((r) => r.target === 'layer').map((r) => r.project).sort()).toEqual([...LAYERS, ...RUNTIME_LAYERS].sort());
    for (const layer of RUNTIME_LAYERS) expect(ws.exists(`dist/layers/${layer}/layer.zip`), layer).toBe(true);
    for (const fn of FUNCTIONS) {
      const zip = await ZipReader.open(path.join(ws.root, zipOf(fn)));
      expect(zip.entries.length, fn).toBeGreaterThan(0);
      await zip.close();
      expect((await manifestOf(ws, fn)).codeSha256, fn).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    // The first cold build of every runtime: ~50 s on 2 idle cores, over 180 s when they are shared.
  }, 600_000);

  it('moves the dependency several functions share into their layer, and keeps single-use ones in the function', async () => {
    await packageAll();
    // A layer is named after its project and a hash of its content: node-deps-<hash>.
    const nodeB = await manifestOf(ws, 'node-b');
    expect(nodeB.layers).toEqual([expect.stringMatching(/^node-deps-[0-9a-f]+$/)]);
    expect(nodeB.dependencies.find((d) => d.name === 'ms')?.location).toBe(nodeB.layers[0]);
    expect(nodeB.dependencies.find((d) => d.name === 'escape-html')?.location).toBe('function');
    const pyA = await manifestOf(ws, 'py-a');
    expect(pyA.layers).toEqual([expect.stringMatching(/^py-deps-[0-9a-f]+$/)]);
    expect(pyA.dependencies.find((d) => d.name === 'e2e-shared')?.location).toBe(pyA.layers[0]);
    for (const layer of LAYERS) expect(ws.exists(`dist/layers/${layer}/plan.json`), layer).toBe(true);
  });

  it('a function whose lambda.json its executor refuses fails alone: the other Node.js functions still package in their batch', async () => {
    const marker = 'functions/node-b/lambda.json';
    await ws.write(marker, JSON.stringify({ ...JSON.parse(await ws.read(marker)), architecture: 'arm' }));
    try {
      const { stdout, stderr, code } = await ws.nx(['run-many', '-t', 'package', '-p', 'node-a,node-b,node-c', '--skip-nx-cache', STATIC], [1]);
      expect(code).toBe(1);
      const runs = parseTaskRuns(stdout).filter((r) => r.target === 'package');
      expect(runs.find((r) => r.project === 'node-b')?.output ?? stderr).toContain('node-b:options - the node executor refuses an option\n  "architecture" is "arm"; use one of x86_64, arm64');
      for (const fn of ['node-a', 'node-c']) expect(runs.find((r) => r.project === fn)?.output, fn).toContain(`${fn}: ${zipOf(fn)}`);
      expect(`${stdout}${stderr}`).toMatch(/Failed tasks:\s+- node-b:package\s/);
    } finally {
      await ws.git(['checkout', '--', marker]);
    }
  });

  it('a wrong option on the command line fails each Node.js task with what to fix, not the whole batch with #<SchemaError>', async () => {
    const { stdout, stderr } = await ws.nx(['run-many', '-t', 'package', '-p', 'node-a,node-c', '--skip-nx-cache', '--sourcemap=inline', STATIC], [1]);
    const runs = parseTaskRuns(stdout).filter((r) => r.target === 'package');
    for (const fn of ['node-a', 'node-c']) expect(runs.find((r) => r.project === fn)?.output, fn).toContain(`${fn}:options - the node executor refuses an option\n  "sourcemap" is "inline"; use a boolean or "external"`);
    expect(`${stdout}${stderr}`).not.toContain('SchemaError');
  });

  it('runs every packaged handler from its zip and layers (nx run-many -t invoke)', async () => {
    await packageAll();
    const { stdout } = await ws.nx(['run-many', '-t', 'invoke', `--event=${EVENT_FILE}`, STATIC]);
    const runs = parseTaskRuns(stdout).filter((r) => r.target === 'invoke');
    expect(runs.map((r) => r.project).sort()).toEqual([...FUNCTIONS].sort());
    for (const r of runs) {
      const response = r.output.slice(r.output.indexOf('Response:'));
      for (const expected of EXPECTED_RESPONSES[r.project as keyof typeof EXPECTED_RESPONSES]) expect(response, r.project).toContain(expected);
    }
  });
});

describe('Nx cache', () => {
  it('nx affected -t package after a library change rebuilds only the functions that use it', async () => {
    await packageAll();
    const { stdout } = await withLibraryChange('node-lib', () => ws.nx(['affected', '-t', 'package', '--base=HEAD', STATIC]));
    const runs = parseTaskRuns(stdout);
    expect(executed(runs, 'package')).toEqual([...LIBRARY_DEPENDENTS['node-lib']]);
    // The Node layer plans again (what a bundle imports follows the sources); its shares for the
    // other functions come out the same, so their package targets stay cached. The Python layer does not run.
    expect(executed(runs, 'layer')).toEqual(['node-deps']);
  });

  it('restores every zip from the cache after dist is deleted, byte for byte', async () => {
    await packageAll();
    const before = new Map<string, Buffer>();
    for (const fn of FUNCTIONS) before.set(fn, await ws.readBytes(zipOf(fn)));
    await fsp.rm(path.join(ws.root, 'dist'), { recursive: true, force: true });
    const runs = parseTaskRuns((await packageAll()).stdout);
    expect(restored(runs, 'package')).toEqual([...FUNCTIONS].sort());
    expect(executed(runs, 'package')).toEqual([]);
    for (const fn of FUNCTIONS) expect((await ws.readBytes(zipOf(fn))).equals(before.get(fn)!), fn).toBe(true);
  });
});

describe('deploy to the loopback Lambda API', () => {
  let api: LambdaApi;
  const deployArgs = () => [`--endpoint=${api.endpoint}`, `--role=${ROLE}`, STATIC];
  const revisions = () => new Map([...api.state.functions].map(([name, f]) => [name, f.config.RevisionId as string]));

  beforeAll(async () => {
    api = await startLambdaApi({ updateDelayMs: 20 });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('nx run-many -t deploy creates every function at its CodeSha256; a second run writes nothing', async () => {
    await ws.nx(['run-many', '-t', 'deploy', ...deployArgs()]);
    for (const fn of FUNCTIONS) {
      expect(api.state.functions.get(fn)?.config.CodeSha256, fn).toBe((await manifestOf(ws, fn)).codeSha256);
    }
    const before = revisions();
    api.resetCounts();
    await ws.nx(['run-many', '-t', 'deploy', ...deployArgs()]);
    expect([...revisions()].filter(([name, rev]) => before.get(name) !== rev).map(([name]) => name)).toEqual([]);
    expect(api.writeCalls(), JSON.stringify(api.counts)).toBe(0);
  });

  it('deploys a stage from lambda.json\'s deploy.stages (--stage=prod) as its own function, and refuses a stage it does not define', async () => {
    const marker = 'functions/node-c/lambda.json';
    const prod = { functionName: 'node-c-prod', memorySize: 1024, environment: { STAGE: 'prod' } };
    await ws.write(marker, JSON.stringify({ ...JSON.parse(await ws.read(marker)), deploy: { memorySize: 256, stages: { prod } } }));
    try {
      await ws.nx(['run', 'node-c:deploy', '--stage=prod', ...deployArgs()]);
      expect(api.state.functions.get('node-c-prod')?.config).toMatchObject({ MemorySize: 1024, Environment: { Variables: { STAGE: 'prod' } } });
      await ws.nx(['run', 'node-c:deploy', ...deployArgs()]);
      expect(api.state.functions.get('node-c')?.config.MemorySize).toBe(256);
      api.resetCounts();
      const { stdout, stderr } = await ws.nx(['run', 'node-c:deploy', '--stage=prd', ...deployArgs()], [1]);
      expect(`${stdout}${stderr}`).toContain('node-c:deploy - no stage "prd": this function\'s stages are prod');
      expect(api.writeCalls()).toBe(0);
    } finally {
      await ws.git(['checkout', '--', marker]);
    }
  });

  it('nx affected -t deploy after a library change updates only the functions that use it', async () => {
    await ws.nx(['run-many', '-t', 'deploy', ...deployArgs()]);
    const before = revisions();
    api.resetCounts();
    const { stdout } = await withLibraryChange('py-lib', () => ws.nx(['affected', '-t', 'deploy', '--base=HEAD', ...deployArgs()]));
    expect(executed(parseTaskRuns(stdout), 'deploy')).toEqual([...LIBRARY_DEPENDENTS['py-lib']]);
    expect(api.counts.UpdateFunctionCode).toBe(1);
    const changed = [...revisions()].filter(([name, rev]) => before.get(name) !== rev).map(([name]) => name);
    expect(changed).toEqual([...LIBRARY_DEPENDENTS['py-lib']]);
  });
});

describe('distributed execution (layers on one machine, a function on another)', () => {
  it('packages a function from only the layer targets\' outputs, with --exclude-task-dependencies, to the same bytes', async () => {
    await packageAll();
    const other = await cloneWorkspace(ws, 'agent');
    try {
      // What a remote cache restores on the agent: the layer targets' declared outputs, nothing else.
      for (const layer of LAYERS) await fsp.cp(path.join(ws.root, 'dist/layers', layer), path.join(other.root, 'dist/layers', layer), { recursive: true });
      for (const fn of ['node-a', 'py-a']) {
        const { stdout } = await other.nx(['run', `${fn}:package`, '--exclude-task-dependencies', STATIC]);
        expect(executed(parseTaskRuns(stdout), 'layer'), fn).toEqual([]);
        expect((await other.readBytes(zipOf(fn))).equals(await ws.readBytes(zipOf(fn))), fn).toBe(true);
      }
    } finally {
      await fsp.rm(other.root, { recursive: true, force: true });
    }
  });
});
