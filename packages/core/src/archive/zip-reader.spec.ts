import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { extractZip, verifyZip } from './zip-reader';
import { writeDeterministicZip, ZipInputEntry } from './zip-writer';

const entry = (name: string, text: string): ZipInputEntry => ({ name, type: 'file', data: Buffer.from(text), executable: false, size: 0 });

/** A valid zip, then its bytes with `from` replaced by `to` everywhere (same length). */
async function patchedZip(label: string, entries: ZipInputEntry[], from: string, to: string): Promise<string> {
  const file = path.join(await tempDir(label), 'f.zip');
  await writeDeterministicZip(file, entries, { level: 0 });
  const bytes = await fsp.readFile(file);
  const patched = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
  expect(patched.equals(bytes)).toBe(false);
  await fsp.writeFile(file, patched);
  return file;
}

describe('verifyZip', () => {
  it('reports a CRC mismatch, naming the entry', async () => {
    const file = await patchedZip('crc', [entry('a.txt', 'hello world, stored as is')], 'hello world', 'HELLO WORLD');
    await expect(verifyZip(file)).rejects.toThrow(/^archive:verify - f.zip is not a valid zip: CRC mismatch in "a.txt"/);
  });

  it('checks big entries as it checks small ones (a big entry is streamed, a small one read whole)', async () => {
    const big = `${'x'.repeat(9 << 20)}tail-marker`;
    const ok = path.join(await tempDir('big'), 'f.zip');
    await writeDeterministicZip(ok, [entry('big.bin', big), entry('small.txt', 'small')]);
    expect(await verifyZip(ok)).toMatchObject({ fileCount: 2, unzippedSize: big.length + 5 });
    const file = await patchedZip('big-crc', [entry('big.bin', big)], 'tail-marker', 'TAIL-MARKER');
    await expect(verifyZip(file)).rejects.toThrow(/CRC mismatch in "big.bin"/);
  });

  it('refuses an entry that inflates past the size the central directory gives (a zip bomb\'s claim)', async () => {
    const file = path.join(await tempDir('bomb'), 'f.zip');
    await writeDeterministicZip(file, [entry('a.txt', 'a'.repeat(100_000))], { level: 9 });
    const bytes = await fsp.readFile(file);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(10, central + 24); // uncompressed size: 10 bytes
    await fsp.writeFile(file, bytes);
    await expect(verifyZip(file)).rejects.toThrow(/"a.txt" inflates to more than the 10 bytes the central directory says/);
  });

  it('reports a file that is not a zip', async () => {
    const file = path.join(await tempDir('notzip', { 'f.zip': 'plain text' }), 'f.zip');
    await expect(verifyZip(file)).rejects.toThrow(/no end of central directory record/);
  });

  it('refuses an entry name that leaves the folder', async () => {
    const file = await patchedZip('slip', [entry('xx/evil.txt', 'x')], 'xx/evil.txt', '../evil.txt');
    await expect(verifyZip(file)).rejects.toThrow(/entry name "..\/evil.txt" contains a ".." segment/);
  });
});

describe('extractZip', () => {
  it('refuses a zip-slip entry and writes nothing outside the destination', async () => {
    const file = await patchedZip('slip-x', [entry('xx/evil.txt', 'x')], 'xx/evil.txt', '../evil.txt');
    const parent = await tempDir('slip-dest');
    const dest = path.join(parent, 'dest');
    await expect(extractZip(file, dest)).rejects.toThrow(/"..\/evil.txt" contains a ".." segment/);
    expect(await fsp.readdir(parent)).toEqual([]);
  });

  it('restores modes: 0755 for executables, 0644 for the rest', async () => {
    const file = path.join(await tempDir('modes'), 'f.zip');
    await writeDeterministicZip(file, [{ ...entry('bin/tool', '#!/bin/sh\n'), executable: true }, entry('bin/readme', 'r')]);
    const dest = await tempDir('modes-x');
    await extractZip(file, dest);
    expect((await fsp.stat(path.join(dest, 'bin/tool'))).mode & 0o777).toBe(0o755);
    expect((await fsp.stat(path.join(dest, 'bin/readme'))).mode & 0o777).toBe(0o644);
  });
});
