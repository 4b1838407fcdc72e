import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { removeAbandonedTemps, tempNameFor } from '../archive/abandoned-temps';
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

/** Writes JSON atomically (temp + rename) with sorted dependency order and a trailing newline. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await removeAbandonedTemps(file);
  const tmp = tempNameFor(file, 'tmp', randomBytes(4).toString('hex'));
  await fsp.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await fsp.rename(tmp, file);
}

export async function readManifest(file: string): Promise<FunctionManifest> {
  return JSON.parse(await fsp.readFile(file, 'utf8')) as FunctionManifest;
}
