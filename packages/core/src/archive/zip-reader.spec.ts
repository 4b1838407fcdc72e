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
