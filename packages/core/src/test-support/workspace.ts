import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { DEFAULT_LIMITS } from '../package/limits';
import type { FunctionBuildRequest } from '../runtimes/types';

/** A temp folder for one test; files given as `{ 'rel/path': 'content' }`. */
export async function tempDir(label: string, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `nxl-test-${label}-`));
  await writeFiles(dir, files);
  return dir;
}

/**
 * `tempDir` for a spec file whose folders are big (dotnet and pwsh builds): call it at the top of
 * the file; every folder it makes is deleted after that file's tests.
 */
export function tempDirsRemovedAfterAll(): typeof tempDir {
  const made: string[] = [];
  afterAll(() => Promise.all(made.splice(0).map((d) => fsp.rm(d, { recursive: true, force: true }))));
  return async (label, files) => {
    const dir = await tempDir(label, files);
    made.push(dir);
    return dir;
  };
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
