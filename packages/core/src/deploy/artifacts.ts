import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import { checkZipAgainstManifest, FunctionManifest } from '../package/manifest';
import type { Architecture } from '../runtimes/types';

/**
 * The parts of `manifest.json` deploy reads, with the zip beside it. `handler` is the one Lambda
 * is given: `notes.lambdaHandler` when the runtime set one, else the manifest's `handler`.
 */
export type FunctionArtifact = Pick<FunctionManifest, 'name' | 'runtime' | 'handler' | 'architecture' | 'codeSha256' | 'sha256' | 'zippedSize' | 'layers'> & {
  zipPath: string;
  /** Layer name -> artifact folder relative to the workspace root, as the layer plan placed it. */
  layerArtifacts: Record<string, string>;
};

export interface LayerArtifact {
  zipPath: string;
  name: string;
  codeSha256: string;
  sha256: string;
  zippedSize: number;
  compatibleRuntimes: string[];
  compatibleArchitectures: Architecture[];
}

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    throw new LambdaPackageError('deploy:read', `no ${what} manifest at ${file}`, [], `run the package${what === 'layer' ? ' (layer)' : ''} target first, e.g. nx run <project>:${what === 'layer' ? 'layer' : 'package'}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new LambdaPackageError('deploy:read', `${file} is not valid JSON: ${(err as Error).message}`, [],
      `run the ${what === 'layer' ? 'layer' : 'package'} target again (with --skip-nx-cache if Nx restores this file from its cache)`);
  }
}

function need<T>(m: Record<string, unknown>, key: string, file: string, type: 'string' | 'number' | 'object'): T {
  const v = m[key];
  if (typeof v !== type || v === null) {
    throw new LambdaPackageError('deploy:read', `${file} has no valid "${key}"`, [`found: ${JSON.stringify(v)}`], 'rebuild the artifact with the package target of this version of nx-lambda');
  }
  return v as T;
}

/** Reads `<dir>/manifest.json` and checks `<dir>/function.zip` is the zip it describes (by size). */
export async function readFunctionArtifact(dir: string): Promise<FunctionArtifact> {
  const file = path.join(dir, 'manifest.json');
  const m = await readJson(file, 'function');
  const zipPath = path.join(dir, 'function.zip');
  const artifact: FunctionArtifact = {
    zipPath,
    name: need(m, 'name', file, 'string'),
    runtime: need(m, 'runtime', file, 'string'),
    handler: lambdaHandler(m, file),
    architecture: need(m, 'architecture', file, 'string'),
    codeSha256: need(m, 'codeSha256', file, 'string'),
    sha256: need(m, 'sha256', file, 'string'),
    zippedSize: need(m, 'zippedSize', file, 'number'),
    layers: Array.isArray(m.layers) ? (m.layers as string[]) : [],
    layerArtifacts: m.layerArtifacts && typeof m.layerArtifacts === 'object' ? { ...(m.layerArtifacts as Record<string, string>) } : {},
  };
  await checkZip(zipPath, artifact.zippedSize, artifact.sha256);
  return artifact;
}

function lambdaHandler(m: Record<string, unknown>, file: string): string {
  const notes = m.notes as Record<string, unknown> | undefined;
  if (typeof notes?.lambdaHandler === 'string' && notes.lambdaHandler) return notes.lambdaHandler;
  return need(m, 'handler', file, 'string');
}

/**
 * Reads a layer artifact: `<dir>/layer.zip` + `<dir>/manifest.json`. The layer manifest is still
 * being settled (#8); this is the one place that knows its shape.
 */
export async function readLayerArtifact(dir: string): Promise<LayerArtifact> {
  const file = path.join(dir, 'manifest.json');
  const m = await readJson(file, 'layer');
  const zipPath = path.join(dir, 'layer.zip');
  const stat = await fsp.stat(zipPath).catch(() => null);
  if (!stat) throw new LambdaPackageError('deploy:read', `no layer.zip beside ${file}`, [], 'run the layer target first');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const artifact: LayerArtifact = {
    zipPath,
    name: need(m, 'name', file, 'string'),
    codeSha256: need(m, 'codeSha256', file, 'string'),
    sha256: typeof m.sha256 === 'string' ? m.sha256 : Buffer.from(need<string>(m, 'codeSha256', file, 'string'), 'base64').toString('hex'),
    zippedSize: typeof m.zippedSize === 'number' ? m.zippedSize : stat.size,
    compatibleRuntimes: list(m.compatibleRuntimes ?? m.runtimes),
    compatibleArchitectures: list(m.compatibleArchitectures ?? m.architectures) as Architecture[],
  };
  // A stale manifest would name the CodeSha256 of a layer version already published: deploy would
  // reuse it and the new layer would never reach Lambda.
  await checkZip(zipPath, artifact.zippedSize, artifact.sha256, 'layer');
  return artifact;
}

/**
 * The zip must be the one its manifest describes, byte for byte: deploy compares the manifest's
 * CodeSha256 with Lambda's, so another zip would be uploaded again on every run and its
 * PublishVersion (which names the manifest's CodeSha256) refused.
 */
async function checkZip(zipPath: string, expectedSize: number, expectedSha256: string, kind: 'function' | 'layer' = 'function'): Promise<void> {
  await checkZipAgainstManifest('deploy:read', zipPath, { zippedSize: expectedSize, sha256: expectedSha256 },
    `run the ${kind === 'function' ? 'package' : 'layer'} target again (with --skip-nx-cache if Nx restores these files from its cache)`,
    new LambdaPackageError('deploy:read', `no ${path.basename(zipPath)} at ${zipPath}`, [], `run the ${kind === 'function' ? 'package' : 'layer'} target first`));
}
