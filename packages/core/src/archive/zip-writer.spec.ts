import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../errors';
import { tempDir, writeFiles } from '../test-support/workspace';
import { collectTree } from './collect-tree';
import { bundleZipChild, runZipChild, startZipChild } from './test-support/child-process';
import { FLAG_UTF8, MADE_BY_UNIX } from './zip-format';
import { extractZip, verifyZip, ZipReader } from './zip-reader';
import { compareEntryNames, writeDeterministicZip, ZipInputEntry } from './zip-writer';

/** A small tree with what the rules care about: executables, bootstrap, nesting, non-ASCII, odd case. */
const TREE: Record<string, string> = {
  'bootstrap': '#!/bin/sh\nexec ./app "$@"\n',
  'app': 'pretend binary',
  'handler.js': 'exports.handler = async () => ({ ok: true });\n'.repeat(50),
  'lib/a.js': 'module.exports = 1;\n',
  'lib/B.js': 'module.exports = 2;\n',
  'lib/deep/c.json': JSON.stringify({ x: [1, 2, 3] }),
  'données/été.txt': 'accents\n',
  'Zed.txt': 'upper case sorts before lower case in byte order\n',
  'empty.txt': '',
};

async function makeTree(label: string): Promise<string> {
  const dir = await tempDir(label, TREE);
  await fsp.chmod(path.join(dir, 'app'), 0o755);
  await fsp.chmod(path.join(dir, 'bootstrap'), 0o644); // bootstrap must come out 0755 anyway
  return dir;
}

async function zipDir(root: string, target: string, threads?: number) {
  const { entries } = await collectTree(root);
  return writeDeterministicZip(target, entries, threads === undefined ? {} : { threads });
}

async function fileSha(file: string): Promise<string> {
  return createHash('sha256').update(await fsp.readFile(file)).digest('base64');
}

function zipinfo(file: string): string[] {
  return execFileSync('zipinfo', [file], { encoding: 'utf8' }).split('\n');
}

describe('writeDeterministicZip: one reference zip', () => {
  let out: string;
  let zip: ZipReader;
  let result: Awaited<ReturnType<typeof zipDir>>;

  beforeAll(async () => {
    const root = await makeTree('ref');
    out = path.join(await tempDir('ref-out'), 'function.zip');
    result = await zipDir(root, out);
    zip = await ZipReader.open(out);
    return () => zip.close();
  });

  it('reports CodeSha256 as base64 and sha256 as hex of the written bytes', async () => {
    expect(result.codeSha256).toBe(await fileSha(out));
    expect(Buffer.from(result.codeSha256, 'base64').toString('hex')).toBe(result.sha256);
  });

  it('sorts entries by the byte order of their UTF-8 names', () => {
    expect(zip.names).toEqual([...zip.names].sort(compareEntryNames));
    expect(zip.names.indexOf('Zed.txt')).toBeLessThan(zip.names.indexOf('app'));
    expect(zip.names.indexOf('lib/B.js')).toBeLessThan(zip.names.indexOf('lib/a.js'));
  });

  it('stores files as 0644, directories and executables as 0755, with Unix "made by"', () => {
    const mode = (n: string) => zip.entry(n)!.mode;
    expect(mode('handler.js')).toBe(0o644);
    expect(mode('empty.txt')).toBe(0o644);
    expect(mode('app')).toBe(0o755);
    expect(mode('lib/')).toBe(0o755);
    expect(zip.entries.every((e) => e.madeBy === MADE_BY_UNIX)).toBe(true);
  });

  it('keeps the exec bit of bootstrap even when the source file is 0644', () => {
    expect(zip.entry('bootstrap')!.mode).toBe(0o755);
    expect(zip.entry('bootstrap')!.executable).toBe(true);
  });

  it('sets the UTF-8 flag only on non-ASCII names', () => {
    expect(zip.entry('données/été.txt')!.flags & FLAG_UTF8).toBe(FLAG_UTF8);
    expect(zip.entry('handler.js')!.flags & FLAG_UTF8).toBe(0);
  });

  it('dates every entry 1980-01-01 00:00 with Unix modes, as zipinfo reads them', () => {
    const lines = zipinfo(out).filter((l) => /^[-d]r/.test(l));
    expect(lines).toHaveLength(zip.entries.length);
    for (const line of lines) expect(line).toMatch(/ unx .* 80-Jan-01 00:00 /);
    expect(lines.find((l) => l.endsWith(' bootstrap'))).toMatch(/^-rwxr-xr-x/);
    expect(lines.find((l) => l.endsWith(' handler.js'))).toMatch(/^-rw-r--r--/);
  });

  it('passes Info-ZIP unzip -t', () => {
    expect(execFileSync('unzip', ['-t', out], { encoding: 'utf8' })).toContain('No errors detected');
  });

  it('passes verifyZip with the counts the writer reported', async () => {
    const v = await verifyZip(out);
    expect(v.fileCount).toBe(result.fileCount);
    expect(v.unzippedSize).toBe(result.unzippedSize);
    expect(result.fileCount).toBe(Object.keys(TREE).length);
  });

  it('unzips to the original content', async () => {
    const dest = await tempDir('ref-x');
    await extractZip(out, dest);
    for (const [rel, content] of Object.entries(TREE)) expect(await fsp.readFile(path.join(dest, rel), 'utf8')).toBe(content);
  });

  it('writes no extra fields (no times, no uid/gid)', () => {
    // A zip64 extra is the only one we ever write, and only when sizes need it.
    const lengths = execFileSync('zipinfo', ['-v', out], { encoding: 'utf8' }).split('\n').filter((l) => /length of extra field:/.test(l));
    expect(lengths).toHaveLength(zip.entries.length);
    for (const l of lengths) expect(l).toMatch(/:\s+0 bytes/);
  });
});

describe('writeDeterministicZip: same bytes whatever the machine state', () => {
  let script: string;
  beforeAll(() => {
    script = bundleZipChild();
  });

  it('is byte-identical with TZ=UTC and TZ=Asia/Kolkata (child processes)', async () => {
    const root = await makeTree('tz');
    const out = await tempDir('tz-out');
    const utc = await runZipChild(script, root, path.join(out, 'utc.zip'), { env: { TZ: 'UTC' } });
    const ist = await runZipChild(script, root, path.join(out, 'ist.zip'), { env: { TZ: 'Asia/Kolkata' } });
    expect(ist.codeSha256).toBe(utc.codeSha256);
    expect(await fileSha(path.join(out, 'ist.zip'))).toBe(await fileSha(path.join(out, 'utc.zip')));
  });

  it('is byte-identical for two copies at different paths with other mtimes and umask', async () => {
    const a = await makeTree('copy-a');
    const b = path.join(await tempDir('copy-b-parent'), 'elsewhere', 'deeper');
    await fsp.mkdir(b, { recursive: true });
    // The second copy is made under umask 077 (files 0600, dirs 0700), with new mtimes.
    execFileSync('sh', ['-c', 'umask 077 && cp -R "$0"/. "$1"', a, b]);
    await fsp.chmod(path.join(b, 'app'), 0o700);
    const old = new Date('2001-02-03T04:05:06Z');
    for (const rel of Object.keys(TREE)) await fsp.utimes(path.join(a, rel), old, old);
    expect((await fsp.stat(path.join(b, 'handler.js'))).mode & 0o777).toBe(0o600);
    const out = await tempDir('copy-out');
    const za = await zipDir(a, path.join(out, 'a.zip'));
    const zb = await zipDir(b, path.join(out, 'b.zip'));
    expect(zb.codeSha256).toBe(za.codeSha256);
  });

  it('gives the same bytes on the calling thread and on worker threads', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`f/${String(i).padStart(3, '0')}.js`] = `export const v${i} = ${JSON.stringify('x'.repeat(i * 3))};\n`.repeat(40);
    const root = await tempDir('threads', files);
    const out = await tempDir('threads-out');
    const inline = await zipDir(root, path.join(out, 'inline.zip'), 0);
    const pooled = await zipDir(root, path.join(out, 'pooled.zip'), 3);
    expect(pooled.codeSha256).toBe(inline.codeSha256);
    expect(pooled.fileCount).toBe(400);
  });

  it('gives the same bytes when batches are split between one worker and the calling thread', async () => {
    // 1,200 files make 5 batches: more than one worker queues, so the calling thread takes some.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) files[`m/${String(i).padStart(4, '0')}.js`] = `module.exports = ${JSON.stringify('y'.repeat(i % 97))};\n`.repeat(20);
    const root = await tempDir('mixed', files);
    const out = await tempDir('mixed-out');
    const inline = await zipDir(root, path.join(out, 'inline.zip'), 0);
    const mixed = await zipDir(root, path.join(out, 'mixed.zip'), 1);
    expect(mixed.codeSha256).toBe(inline.codeSha256);
    expect(mixed.fileCount).toBe(1200);
  });

  it('writes files read in pieces (1 MiB and up) byte-identical to the same bytes deflated whole', async () => {
    const root = await tempDir('pieces');
    const text = Buffer.from('export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n'.repeat(30_000));
    const noise = randomBytes(1_300_000); // deflate cannot shrink it: stored
    await writeFiles(root, { 'small.js': 'module.exports = 1;\n' });
    await fsp.writeFile(path.join(root, 'big.js'), text);
    await fsp.writeFile(path.join(root, 'noise.bin'), noise);
    const out = await tempDir('pieces-out');
    const fromDisk = await zipDir(root, path.join(out, 'disk.zip'));
    const inMemory = await writeDeterministicZip(path.join(out, 'memory.zip'), [
      { name: 'big.js', type: 'file', data: text, executable: false, size: text.length },
      { name: 'noise.bin', type: 'file', data: noise, executable: false, size: noise.length },
      { name: 'small.js', type: 'file', data: Buffer.from('module.exports = 1;\n'), executable: false, size: 20 },
    ]);
    expect(fromDisk.codeSha256).toBe(inMemory.codeSha256);
    const zip = await ZipReader.open(path.join(out, 'disk.zip'));
    try {
      expect((await zip.read('big.js')).equals(text)).toBe(true);
      expect((await zip.read('noise.bin')).equals(noise)).toBe(true);
    } finally {
      await zip.close();
    }
  });

  it('leaves the previous zip byte-identical when the writer is SIGKILLed mid-write, and the next write removes its temp file', async () => {
    const root = await tempDir('kill');
    // Incompressible content so the child spends a while streaming it.
    const fh = await fsp.open(path.join(root, 'big.bin'), 'w');
    for (let i = 0; i < 64; i++) await fh.write(randomBytes(1 << 20));
    await fh.close();
    await writeFiles(root, { 'small.txt': 'hello' });
    const outDir = await tempDir('kill-out');
    const target = path.join(outDir, 'function.zip');
    await fsp.writeFile(target, 'previous zip bytes');
    const before = await fileSha(target);
    const child = startZipChild(script, root, target);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until the child has written part of its temp file, then kill it.
    let killed = false;
    while (!killed) {
      const names = await fsp.readdir(outDir);
      const tmp = names.find((n) => n.endsWith('.tmp'));
      if (tmp && (await fsp.stat(path.join(outDir, tmp)).catch(() => undefined))?.size) {
        killed = child.kill('SIGKILL');
      } else await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exited).toBe('SIGKILL');
    expect(await fileSha(target)).toBe(before);
    // The next write removes the killed writer's temp file: left there, Nx would cache and restore it with the outputs.
    await writeDeterministicZip(target, [{ name: 'small.txt', type: 'file', data: Buffer.from('hello'), executable: false, size: 5 }]);
    expect(await fsp.readdir(outDir)).toEqual(['function.zip']);
  });

  it('zips a 1 GiB sparse file with bounded memory (child RSS < 256 MiB) and verifies', async () => {
    const root = await tempDir('sparse');
    const fh = await fsp.open(path.join(root, 'sparse.bin'), 'w');
    await fh.truncate(1024 * 1024 * 1024);
    await fh.close();
    const target = path.join(await tempDir('sparse-out'), 'function.zip');
    const r = await runZipChild(script, root, target);
    expect(r.maxRssBytes).toBeLessThan(256 * 1024 * 1024);
    const v = await verifyZip(target);
    expect(v.unzippedSize).toBe(1024 * 1024 * 1024);
  });
});

describe('writeDeterministicZip: refusals', () => {
  const bad = (name: string): ZipInputEntry => ({ name, type: 'file', data: Buffer.from('x'), executable: false, size: 1 });

  it.each([
    ['../escape.js', '".." segment'],
    ['lib/../../escape.js', '".." segment'],
    ['/etc/passwd', 'absolute path'],
    ['C:/win.txt', 'absolute path'],
    ['lib\\win.js', 'backslash'],
  ])('refuses the entry name %s, naming it, and writes nothing', async (name, why) => {
    const target = path.join(await tempDir('bad-name'), 'function.zip');
    const err = await writeDeterministicZip(target, [bad('ok.js'), bad(name)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as Error).message).toMatch(/^archive - /);
    expect((err as Error).message).toContain(name);
    expect((err as Error).message).toContain(why);
    expect(await fsp.readdir(path.dirname(target))).toEqual([]);
  });

  it('refuses two entries with the same name', async () => {
    const target = path.join(await tempDir('dup'), 'function.zip');
    await expect(writeDeterministicZip(target, [bad('a.js'), bad('a.js')])).rejects.toThrow(/entry "a.js" appears twice/);
  });

  it('fails, naming the file, when a file changed size after it was listed, and leaves no zip', async () => {
    const root = await tempDir('grew', { 'a.txt': 'short' });
    const { entries } = await collectTree(root);
    await fsp.appendFile(path.join(root, 'a.txt'), ' and longer');
    const target = path.join(await tempDir('grew-out'), 'function.zip');
    await expect(writeDeterministicZip(target, entries)).rejects.toThrow(/a\.txt changed size while it was being zipped/);
    expect(await fsp.readdir(path.dirname(target))).toEqual([]);
  });
});

describe('writeDeterministicZip: zip64', () => {
  it('writes more than 65535 entries that ZipReader and Info-ZIP unzip -t both read', async () => {
    const count = 70_000;
    const entries: ZipInputEntry[] = [];
    for (let i = 0; i < count; i++) entries.push({ name: `e/${String(i).padStart(5, '0')}.txt`, type: 'file', data: Buffer.from(`entry ${i}\n`), executable: false, size: 0 });
    entries.push({ name: 'e/', type: 'directory', executable: true, size: 0 });
    const target = path.join(await tempDir('zip64'), 'many.zip');
    const r = await writeDeterministicZip(target, entries);
    expect(r.entryCount).toBe(count + 1);
    const zip = await ZipReader.open(target);
    try {
      expect(zip.entries).toHaveLength(count + 1);
      expect((await zip.read('e/69999.txt')).toString()).toBe('entry 69999\n');
    } finally {
      await zip.close();
    }
    const tested = execFileSync('unzip', ['-tq', target], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(tested).toContain('No errors detected');
  });
});
