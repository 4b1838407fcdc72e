import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeDeterministicZip } from '../../../archive/zip-writer';
import { exec } from '../../../exec';

/** A distribution the tests publish on their own index. */
export interface TestWheel {
  name: string;
  version: string;
  /** e.g. `py3-none-any`, `cp312-cp312-manylinux2014_x86_64` */
  tag: string;
  /** Files of the wheel, path -> content (dist-info is added). */
  files: Record<string, string | Buffer>;
  requires?: string[];
}

const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');

function recordHash(data: Buffer): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

/**
 * Writes a wheel as pip expects it (a zip with `.dist-info/METADATA`, `WHEEL`, `RECORD`) without
 * the `wheel` package; returns the file path.
 */
export async function writeWheel(dir: string, w: TestWheel): Promise<string> {
  const base = `${normalise(w.name)}-${w.version}`;
  const distInfo = `${base}.dist-info`;
  const metadata = [
    'Metadata-Version: 2.1', `Name: ${w.name}`, `Version: ${w.version}`, ...(w.requires ?? []).map((r) => `Requires-Dist: ${r}`), '',
  ].join('\n');
  const pure = w.tag.endsWith('-any');
  const wheelFile = ['Wheel-Version: 1.0', 'Generator: nx-lambda-tests', `Root-Is-Purelib: ${pure}`, `Tag: ${w.tag}`, ''].join('\n');
  const contents = new Map<string, Buffer>();
  for (const [p, c] of Object.entries(w.files)) contents.set(p, Buffer.isBuffer(c) ? c : Buffer.from(c));
  contents.set(`${distInfo}/METADATA`, Buffer.from(metadata));
  contents.set(`${distInfo}/WHEEL`, Buffer.from(wheelFile));
  const record = [...contents].map(([p, d]) => `${p},${recordHash(d)},${d.length}`);
  record.push(`${distInfo}/RECORD,,`);
  contents.set(`${distInfo}/RECORD`, Buffer.from(`${record.join('\n')}\n`));
  const file = path.join(dir, `${base}-${w.tag}.whl`);
  await writeDeterministicZip(file, [...contents].map(([name, data]) => ({ name, type: 'file' as const, data, executable: false, size: data.length })));
  return file;
}

/** A source-only distribution (`.tar.gz` with PKG-INFO and a setup.py): no wheel for any platform. */
export async function writeSdist(dir: string, name: string, version: string): Promise<string> {
  const base = `${normalise(name)}-${version}`;
  const src = path.join(dir, `.sdist-${base}`, base);
  await fsp.mkdir(src, { recursive: true });
  await fsp.writeFile(path.join(src, 'PKG-INFO'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  await fsp.writeFile(path.join(src, 'setup.py'), `from setuptools import setup\nsetup(name=${JSON.stringify(name)}, version=${JSON.stringify(version)})\n`);
  const file = path.join(dir, `${base}.tar.gz`);
  await exec({ where: 'test:sdist', command: 'tar', args: ['-czf', file, '-C', path.dirname(src), base], cwd: dir });
  await fsp.rm(path.dirname(src), { recursive: true, force: true });
  return file;
}

/**
 * Compiles a tiny C shared object for `machine` (gcc, or Debian's aarch64-linux-gnu-gcc cross
 * compiler), so a wheel carries a real ELF of that architecture.
 */
export async function compileSharedObject(dir: string, machine: 'x86_64' | 'aarch64'): Promise<Buffer> {
  const work = await fsp.mkdtemp(path.join(dir, `.cc-${machine}-`));
  const c = path.join(work, 'fast.c');
  await fsp.writeFile(c, 'int fast_add(int a, int b) { return a + b; }\n');
  const out = path.join(work, 'fast.so');
  const cc = machine === 'aarch64' ? 'aarch64-linux-gnu-gcc' : 'gcc';
  await exec({ where: 'test:cc', command: cc, args: ['-shared', '-fPIC', '-O2', '-o', out, c], cwd: work });
  const bytes = await fsp.readFile(out);
  await fsp.rm(work, { recursive: true, force: true });
  return bytes;
}
