import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFunctionArtifact } from '../deploy/artifacts';
import { NodeStrategy } from '../runtimes/node';
import { freshWorkspace } from '../runtimes/node/test-support/fixture-workspace';
import type { FunctionBuildRequest, RuntimeStrategy } from '../runtimes/types';
import { failure } from '../test-support/failure';
import { invokePackaged } from '../test-support/invoke';
import { makeRequest, tempDir, writeFiles } from '../test-support/workspace';
import { readManifest, ZIP_PAIR_STEPS } from './manifest';
import { FUNCTION_MANIFEST, FUNCTION_ZIP, packageFunction, PackageResult } from './pipeline';

const sha256 = async (file: string) => createHash('sha256').update(await fsp.readFile(file)).digest('hex');

/**
 * A real Node.js function packaged twice (v1, then v2 with other code, into another folder), and
 * the commit of v2 over v1 replayed step by step: what a run killed between two renames leaves.
 */
describe('function.zip and its manifest.json are put in place as a pair', () => {
  let ws: string;
  let v1: PackageResult;
  let v2: PackageResult;
  const request = (over: Partial<FunctionBuildRequest> = {}) =>
    makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: 'apps/cjs', ...over });

  beforeAll(async () => {
    ws = await freshWorkspace('zip-pair', ['cjs']);
    v1 = await packageFunction(NodeStrategy, request());
    await writeFiles(ws, { 'apps/cjs/src/handler.js': "const ms = require('ms');\nmodule.exports.handler = async (event) => ({ seconds: ms(event.span) / 500 });\n" });
    v2 = await packageFunction(NodeStrategy, request({ outputPath: path.join(ws, 'dist/v2') }));
  });

  /** A copy of v1's output folder with v2's verified zip pending beside it, as archiveStaged leaves it before committing. */
  async function v1WithPendingV2(label: string): Promise<{ out: string; pendingZip: string; pendingManifest: string }> {
    const out = await tempDir(`zip-pair-${label}`);
    await fsp.copyFile(v1.zipPath, path.join(out, FUNCTION_ZIP));
    await fsp.copyFile(v1.manifestPath, path.join(out, FUNCTION_MANIFEST));
    const pendingZip = path.join(out, '.function.zip.pending');
    const pendingManifest = path.join(out, '.manifest.json.tmp');
    await fsp.copyFile(v2.zipPath, pendingZip);
    await fsp.copyFile(v2.manifestPath, pendingManifest);
    return { out, pendingZip, pendingManifest };
  }

  it('a new zip beside the previous manifest (the zip renamed, the manifest not yet) is refused by deploy, which says to package again', async () => {
    const { out, pendingZip } = await v1WithPendingV2('mismatch');
    await ZIP_PAIR_STEPS.placeZip(pendingZip, path.join(out, FUNCTION_ZIP));
    const err = await failure(readFunctionArtifact(out));
    expect(err.message).toMatch(/^deploy:read - .*function\.zip (is \d+ bytes but its manifest says|has SHA-256)/);
    expect(err.hint).toMatch(/^run the package target again/);
  });

  it('stopped after any step, the folder holds the old pair, the new pair, or a zip with no manifest that readers refuse', async () => {
    const steps = [
      (s: Awaited<ReturnType<typeof v1WithPendingV2>>) => ZIP_PAIR_STEPS.retireManifest(path.join(s.out, FUNCTION_MANIFEST)),
      (s: Awaited<ReturnType<typeof v1WithPendingV2>>) => ZIP_PAIR_STEPS.placeZip(s.pendingZip, path.join(s.out, FUNCTION_ZIP)),
      (s: Awaited<ReturnType<typeof v1WithPendingV2>>) => ZIP_PAIR_STEPS.placeManifest(s.pendingManifest, path.join(s.out, FUNCTION_MANIFEST)),
    ];
    const seen: string[] = [];
    for (let done = 0; done <= steps.length; done++) {
      const state = await v1WithPendingV2(`step-${done}`);
      for (const step of steps.slice(0, done)) await step(state);
      const zipSha = await sha256(path.join(state.out, FUNCTION_ZIP));
      const manifest = await readManifest(path.join(state.out, FUNCTION_MANIFEST)).catch((e: NodeJS.ErrnoException) => e.code);
      if (manifest === 'ENOENT') {
        // What invoke maps to "package it first", and deploy refuses with the same advice.
        const err = await failure(readFunctionArtifact(state.out));
        expect(err.message).toMatch(/^deploy:read - no function manifest at/);
        expect(err.hint).toMatch(/^run the package target first/);
        seen.push(zipSha === v2.manifest.sha256 ? 'new zip, no manifest' : 'old zip, no manifest');
      } else {
        expect(typeof manifest === 'object' && manifest.sha256).toBe(zipSha);
        expect((await readFunctionArtifact(state.out)).sha256).toBe(zipSha);
        seen.push(zipSha === v2.manifest.sha256 ? 'new pair' : 'old pair');
      }
    }
    expect(seen).toEqual(['old pair', 'old zip, no manifest', 'new zip, no manifest', 'new pair']);
  });

  it('packaging again after an interrupted commit leaves a matching pair, and it runs', async () => {
    const again = await packageFunction(NodeStrategy, request());
    expect(await sha256(again.zipPath)).toBe((await readManifest(again.manifestPath)).sha256);
    expect((await invokePackaged(again, { span: '1s' })).response).toEqual({ seconds: 2 });
  });

  it('a manifest that cannot be written leaves the previous zip and manifest as they were: the zip is placed after it', async () => {
    // A build whose notes do not serialise (a BigInt): writing the manifest throws.
    const unwritable: RuntimeStrategy = { ...NodeStrategy, build: async (ctx, plan) => ({ ...(await NodeStrategy.build(ctx, plan)), notes: { bytes: 1n } }) };
    const before = { zip: await sha256(v1.zipPath), manifest: await fsp.readFile(v1.manifestPath, 'utf8') };
    await writeFiles(ws, { 'apps/cjs/src/handler.js': "const ms = require('ms');\nmodule.exports.handler = async (event) => ({ seconds: ms(event.span) / 250 });\n" });
    await expect(packageFunction(unwritable, request())).rejects.toThrow(/BigInt/);
    expect(await sha256(v1.zipPath)).toBe(before.zip);
    expect(await fsp.readFile(v1.manifestPath, 'utf8')).toBe(before.manifest);
    expect((await fsp.readdir(path.dirname(v1.zipPath))).sort()).toEqual([FUNCTION_ZIP, FUNCTION_MANIFEST]);
  });
});
