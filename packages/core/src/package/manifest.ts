import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { removeAbandonedTemps, tempNameFor } from '../archive/abandoned-temps';
import { LambdaPackageError } from '../errors';
import type { Architecture, DependencyRecord, RuntimeFamily } from '../runtimes/types';

/** `manifest.json` beside `function.zip`: the public record of what was built and why. */
export interface FunctionManifest {
  name: string;
  family: RuntimeFamily;
  runtime: string;
  handler: string;
  architecture: Architecture;
  /** base64 SHA-256 of the zip: what Lambda reports as CodeSha256. */
  codeSha256: string;
  sha256: string;
  zippedSize: number;
  unzippedSize: number;
  fileCount: number;
  dependencies: DependencyRecord[];
  /** Layer names, in the order Lambda applies them. */
  layers: string[];
  /** Layer name -> folder of its layer.zip and manifest.json, relative to the workspace root. */
  layerArtifacts?: Record<string, string>;
  toolchain: Record<string, string>;
  warnings: string[];
  /** Files left out by exclude rules (secrets, noise, user globs). */
  excluded: string[];
  notes?: Record<string, unknown>;
}

/** Writes JSON to a temp file beside `file` (pretty, trailing newline); returns the temp's path. */
async function writeJsonPending(file: string, value: unknown): Promise<string> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await removeAbandonedTemps(file);
  const tmp = tempNameFor(file, 'tmp', randomBytes(4).toString('hex'));
  await fsp.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  return tmp;
}

/** Writes JSON atomically (temp + rename) with a trailing newline. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await fsp.rename(await writeJsonPending(file, value), file);
}

/**
 * The steps that put a zip and its manifest in place, in this order. A rename replaces one file
 * at a time, so a run killed between two steps leaves the zip without a manifest (which every
 * reader refuses with "package it first"), never a new zip beside the previous build's manifest
 * (which deploy refuses, but invoke would run with the old manifest's handler and layers).
 */
export const ZIP_PAIR_STEPS = {
  /** From here on the previous zip has no manifest. */
  retireManifest: (manifestPath: string) => fsp.rm(manifestPath, { force: true }),
  placeZip: (pendingZip: string, zipPath: string) => fsp.rename(pendingZip, zipPath),
  placeManifest: (pendingManifest: string, manifestPath: string) => fsp.rename(pendingManifest, manifestPath),
} as const;

/** Commits a verified pending zip and its manifest as a pair (ZIP_PAIR_STEPS). */
export async function commitZipAndManifest(pendingZip: string, zipPath: string, manifestPath: string, manifest: unknown): Promise<void> {
  const pendingManifest = await writeJsonPending(manifestPath, manifest);
  try {
    await ZIP_PAIR_STEPS.retireManifest(manifestPath);
    await ZIP_PAIR_STEPS.placeZip(pendingZip, zipPath);
    await ZIP_PAIR_STEPS.placeManifest(pendingManifest, manifestPath);
  } finally {
    await fsp.rm(pendingManifest, { force: true });
  }
}

/**
 * A zip must be the one its manifest describes, byte for byte, before anything trusts the manifest
 * about it (deploy compares its CodeSha256 with Lambda's; invoke runs the handler it names): else a
 * LambdaPackageError at `where` saying to package again (`fix`). A missing zip is `missing`'s error.
 */
export async function checkZipAgainstManifest(where: string, zipPath: string, expected: { zippedSize?: number; sha256?: string }, fix: string, missing: LambdaPackageError): Promise<void> {
  const stat = await fsp.stat(zipPath).catch(() => null);
  if (!stat) throw missing;
  const mismatch = (what: string) => new LambdaPackageError(where, `${zipPath} ${what}`,
    ['the zip and manifest.json come from different builds, or the zip changed after packaging'], fix);
  if (expected.zippedSize !== undefined && stat.size !== expected.zippedSize) throw mismatch(`is ${stat.size} bytes but its manifest says ${expected.zippedSize}`);
  if (expected.sha256 === undefined) return;
  const actual = createHash('sha256').update(await fsp.readFile(zipPath)).digest('hex');
  if (actual !== expected.sha256) throw mismatch(`has SHA-256 ${actual} but its manifest says ${expected.sha256}`);
}

export async function readManifest(file: string): Promise<FunctionManifest> {
  return JSON.parse(await fsp.readFile(file, 'utf8')) as FunctionManifest;
}
