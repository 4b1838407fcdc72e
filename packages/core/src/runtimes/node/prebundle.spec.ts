import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRequest } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { bundleJobOf } from './analyse';
import { bundle, BundleJob, BundleOutcome, prebundle } from './esbuild';
import { freshWorkspace } from './test-support/fixture-workspace';

let ws: string;

function request(project: string, options: Record<string, unknown> = {}): FunctionBuildRequest {
  return makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${project}`, projectName: project, options });
}

const bundleOf = (job: BundleJob) => bundle(job.request, job.entry, job.options, job.externals, job.fromLayers);

/** Everything analyse reads from a bundle, with the bytes as hex so a difference shows. */
function comparable(o: BundleOutcome) {
  return { ...o, files: o.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.contents).toString('hex') })) };
}

describe('node: one esbuild run for a batch of functions (prebundle)', () => {
  beforeAll(async () => {
    ws = await freshWorkspace('prebundle', ['with-deps', 'cjs', 'aws-sdk', 'native-unlisted', 'broken-deps']);
    // A second function with the same packages, so the shared run has something to share.
    await fsp.cp(path.join(ws, 'apps/with-deps'), path.join(ws, 'apps/with-deps-2'), { recursive: true });
    await fsp.cp(path.join(ws, 'apps/cjs'), path.join(ws, 'apps/cjs-2'), { recursive: true });
  });

  it('gives every function exactly the files, metafile, warnings and native imports of its own build', async () => {
    const batches = [
      [request('with-deps'), request('with-deps-2'), request('aws-sdk'), request('native-unlisted'), request('cjs', { format: 'cjs' })],
      [request('with-deps', { sourcemap: true, minify: true }), request('with-deps-2', { sourcemap: true, minify: true }), request('aws-sdk', { sourcemap: true, minify: true })],
    ];
    for (const batch of batches) {
      const jobs = await Promise.all(batch.map((r) => bundleJobOf(r, [])));
      // cjs has options of its own, so it is not in the shared run; the others are.
      expect(await prebundle(jobs)).toBe(jobs.filter((j) => j.options.format === 'esm').length);
      const shared = await Promise.all(jobs.map(bundleOf));
      for (const [i, job] of jobs.entries()) {
        const alone = await bundleOf(job); // a prepared bundle is taken once: this is a build of its own
        expect(comparable(shared[i]), `${job.request.projectName} ${JSON.stringify(job.options)}`).toEqual(comparable(alone));
      }
      const native = shared[jobs.findIndex((j) => j.request.projectName === 'native-unlisted')];
      if (native) expect(native.nativeImports.map((n) => n.path)).toEqual([expect.stringMatching(/addon\.node$/)]);
      for (const [i, job] of jobs.entries()) if (job.request.projectName !== 'native-unlisted') expect(shared[i].nativeImports).toEqual([]);
    }
  });

  it('groups functions by the format their entries resolve to: CommonJS entries without "format" share a cjs run', async () => {
    const jobs = await Promise.all([request('with-deps'), request('cjs'), request('with-deps-2'), request('cjs-2')].map((r) => bundleJobOf(r, [])));
    expect(jobs.map((j) => j.options.format)).toEqual(['esm', 'cjs', 'esm', 'cjs']);
    expect(await prebundle(jobs)).toBe(4);
    const shared = await Promise.all(jobs.map(bundleOf));
    expect(shared.map((o) => o.files.map((f) => f.name))).toEqual([['index.mjs'], ['index.js'], ['index.mjs'], ['index.js']]);
    for (const [i, job] of jobs.entries()) expect(comparable(shared[i]), job.request.projectName).toEqual(comparable(await bundleOf(job)));
  });

  it('a batch holding a function that does not bundle leaves it to build alone and report its own error', async () => {
    const jobs = await Promise.all([request('with-deps'), request('with-deps-2'), request('broken-deps')].map((r) => bundleJobOf(r, [])));
    expect(await prebundle(jobs)).toBe(0);
    await expect(bundleOf(jobs[2])).rejects.toThrow(/broken-deps: cannot resolve import "left-pad-that-does-not-exist"/);
    expect((await bundleOf(jobs[0])).files.map((f) => f.name)).toEqual(['index.mjs']);
  });
});
