import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from '../package/limits';
import type { FunctionBuildRequest } from '../runtimes/types';

/**
 * Every temp folder a spec file makes is deleted after its tests (test-support/remove-temp-dirs.ts,
 * a vitest setup file), unless NX_LAMBDA_KEEP_TEMP=1: a full run makes ~700 MB of them. The list
 * lives on globalThis so the setup file and the spec see the same one whatever module instance
 * each imported.
 */
const KEY = Symbol.for('nx-lambda.test.tempDirs');
export function madeTempDirs(): string[] {
  const g = globalThis as unknown as Record<symbol, string[] | undefined>;
  return (g[KEY] ??= []);
}

/** A temp folder (os.tmpdir()/nxl-test-<label>-*) deleted after the spec file; files given as `{ 'rel/path': 'content' }`. */
export async function tempDir(label: string, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `nxl-test-${label}-`));
  madeTempDirs().push(dir);
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await fsp.writeFile(abs, content);
  }
}

/** A package request with the defaults an executor would fill in; override what the test needs. */
export function makeRequest(workspaceRoot: string, over: Partial<FunctionBuildRequest> & Pick<FunctionBuildRequest, 'family' | 'runtime' | 'handler' | 'projectRoot'>): FunctionBuildRequest {
  return {
    projectName: path.posix.basename(over.projectRoot),
    workspaceRoot,
    architecture: 'x86_64',
    outputPath: path.join(workspaceRoot, 'dist', over.projectRoot),
    include: [],
    exclude: [],
    allowSecrets: [],
    layers: [],
    limits: DEFAULT_LIMITS,
    compressionLevel: 6,
    options: {},
    ...over,
  };
}

/** ELF machine of a binary: 'x86_64', 'aarch64' or the raw number. */
export function elfMachine(bytes: Buffer): string {
  if (bytes.length < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
  const m = bytes.readUInt16LE(18);
  return m === 62 ? 'x86_64' : m === 183 ? 'aarch64' : String(m);
}
