import * as path from 'node:path';
import { writeDeterministicZip, ZipInputEntry } from '../../archive/zip-writer';
import { writeJsonAtomic } from '../../package/manifest';

function entries(files: Record<string, string | Buffer>): ZipInputEntry[] {
  return Object.entries(files).map(([name, content]) => {
    const data = Buffer.from(content);
    return { name, type: 'file', data, executable: false, size: data.length };
  });
}

export interface TestFunction {
  name: string;
  files: Record<string, string | Buffer>;
  runtime?: string;
  handler?: string;
  architecture?: 'x86_64' | 'arm64';
  layers?: string[];
  notes?: Record<string, unknown>;
  /** zlib level; 0 stores random bytes as they are (for the S3 path). */
  level?: number;
}

/** `function.zip` + `manifest.json` shaped as the package pipeline writes them. */
export async function writeFunctionArtifact(dir: string, f: TestFunction): Promise<{ codeSha256: string; zippedSize: number }> {
  const zip = await writeDeterministicZip(path.join(dir, 'function.zip'), entries(f.files), { level: f.level ?? 6 });
  await writeJsonAtomic(path.join(dir, 'manifest.json'), {
    name: f.name, family: 'node', runtime: f.runtime ?? 'nodejs22.x', handler: f.handler ?? 'index.handler',
    architecture: f.architecture ?? 'x86_64', codeSha256: zip.codeSha256, sha256: zip.sha256, zippedSize: zip.zippedSize,
    unzippedSize: zip.unzippedSize, fileCount: zip.fileCount, dependencies: [], layers: f.layers ?? [], toolchain: {},
    warnings: [], excluded: [], ...(f.notes ? { notes: f.notes } : {}),
  });
  return { codeSha256: zip.codeSha256, zippedSize: zip.zippedSize };
}

/** `layer.zip` + the layer manifest fields deploy reads. */
export async function writeLayerArtifact(dir: string, name: string, files: Record<string, string>, runtimes = ['nodejs22.x']): Promise<{ codeSha256: string }> {
  const zip = await writeDeterministicZip(path.join(dir, 'layer.zip'), entries(files));
  await writeJsonAtomic(path.join(dir, 'manifest.json'), {
    name, codeSha256: zip.codeSha256, sha256: zip.sha256, zippedSize: zip.zippedSize,
    compatibleRuntimes: runtimes, compatibleArchitectures: ['x86_64'],
  });
  return { codeSha256: zip.codeSha256 };
}
