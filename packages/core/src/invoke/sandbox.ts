import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractZip } from '../archive/zip-reader';
import { LambdaPackageError } from '../errors';

/** The folders Lambda gives a function, as temp dirs: `/var/task`, `/opt` and `/tmp`. */
export interface Sandbox {
  base: string;
  task: string;
  opt: string;
  tmp: string;
}

/**
 * Unzips the function into `task/` and its layers, in order, into `opt/`; a later layer's file
 * replaces an earlier one's, as Lambda does.
 */
export async function createSandbox(zipPath: string, layerZips: readonly string[]): Promise<Sandbox> {
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'nx-lambda-invoke-'));
  const box: Sandbox = { base, task: path.join(base, 'task'), opt: path.join(base, 'opt'), tmp: path.join(base, 'tmp') };
  await Promise.all([fsp.mkdir(box.task), fsp.mkdir(box.opt), fsp.mkdir(box.tmp)]);
  try {
    await extractOne(zipPath, box.task, 'function zip');
    for (const layer of layerZips) await extractOne(layer, box.opt, 'layer zip');
  } catch (err) {
    await fsp.rm(base, { recursive: true, force: true });
    throw err;
  }
  return box;
}

async function extractOne(zip: string, dest: string, what: string): Promise<void> {
  try {
    await fsp.access(zip);
  } catch {
    throw new LambdaPackageError('invoke:layout', `${what} ${zip} does not exist`, [], what === 'layer zip' ? 'build the layer first (nx run <layer>:layer)' : 'package the function first (nx run <fn>:package)');
  }
  await extractZip(zip, dest);
}

/** ELF machine names as Lambda's architectures call them. */
export function hostMachine(): string {
  return process.arch === 'arm64' ? 'aarch64' : process.arch === 'x64' ? 'x86_64' : process.arch;
}

const ELF_MACHINES: Record<number, string> = { 3: 'i386', 40: 'arm', 62: 'x86_64', 183: 'aarch64' };

/** Machine of an ELF header, or undefined when the bytes are not ELF. */
export function elfMachineOf(header: Buffer): string | undefined {
  if (header.length < 20 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const m = header.readUInt16LE(18);
  return ELF_MACHINES[m] ?? `machine ${m}`;
}

/** PE machines that tie a file to one architecture (an AnyCPU .NET assembly says i386 and runs anywhere). */
const PE_MACHINES: Record<number, string> = { 0x8664: 'x86_64', 0xaa64: 'aarch64' };

/** Machine of a PE file (.NET assembly, published for linux-x64 or linux-arm64), or undefined. */
async function peMachineOf(fh: fsp.FileHandle, header: Buffer): Promise<string | undefined> {
  if (header.length < 0x40 || header.readUInt16LE(0) !== 0x5a4d) return undefined; // "MZ"
  const pe = Buffer.alloc(6);
  const { bytesRead } = await fh.read(pe, 0, 6, header.readUInt32LE(0x3c));
  if (bytesRead < 6 || pe.readUInt32LE(0) !== 0x00004550) return undefined; // "PE\0\0"
  return PE_MACHINES[pe.readUInt16LE(4)];
}

/**
 * Native files (ELF, and .NET assemblies published for one architecture) built for another
 * machine than this one: running them would crash with "Exec format error", a dlopen failure or
 * .NET's "assembly architecture is not compatible" deep in the runtime, so invoke refuses them up front.
 */
export async function foreignNativeFiles(roots: readonly string[], machine = hostMachine()): Promise<string[]> {
  const found: string[] = [];
  const header = Buffer.alloc(0x40);
  const walk = async (dir: string, label: string) => {
    for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, d.name);
      const rel = `${label}/${d.name}`;
      if (d.isDirectory()) await walk(abs, rel);
      else if (d.isFile()) {
        const fh = await fsp.open(abs, 'r');
        try {
          const { bytesRead } = await fh.read(header, 0, header.length, 0);
          // Windows-only assets (runtimes/win-arm64/...) never load on Lambda's Linux.
          const m = elfMachineOf(header.subarray(0, bytesRead)) ?? (rel.includes('/runtimes/win') ? undefined : await peMachineOf(fh, header.subarray(0, bytesRead)));
          if (m && m !== machine) found.push(`${rel} (${m})`);
        } finally {
          await fh.close();
        }
      }
    }
  };
  for (const root of roots) await walk(root, path.basename(root));
  return found.sort();
}
