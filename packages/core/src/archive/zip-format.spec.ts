import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { centralHeader, endOfCentralDirectory, entryNameProblem, externalAttributes, METHOD_DEFLATE, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, U32_MAX } from './zip-format';
import { ZipReader } from './zip-reader';

describe('zip64 records', () => {
  it('round-trips sizes and offsets above 4 GiB through the central directory and zip64 end records', async () => {
    // A central directory alone (no data) is enough for the reader's record parsing.
    const big = { size: 5 * 2 ** 30, compressedSize: U32_MAX + 10, offset: 6 * 2 ** 30 };
    const cd = centralHeader({ name: Buffer.from('huge.bin'), flags: 0, method: METHOD_DEFLATE, crc: 0x12345678, ...big, externalAttributes: externalAttributes('file', false) });
    const small = centralHeader({ name: Buffer.from('small.txt'), flags: 0, method: METHOD_DEFLATE, crc: 1, size: 10, compressedSize: 8, offset: 100, externalAttributes: externalAttributes('file', true) });
    const end = endOfCentralDirectory(70_000, cd.length + small.length, 0); // more than 65535 entries forces the zip64 records
    expect(end.readUInt32LE(0)).toBe(SIG_ZIP64_EOCD);
    expect(end.readUInt32LE(56)).toBe(SIG_ZIP64_LOCATOR);
    // Declare only the two entries we wrote: patch the counts in the zip64 end record.
    end.writeBigUInt64LE(2n, 24);
    end.writeBigUInt64LE(2n, 32);
    const file = path.join(await tempDir('zip64-records'), 'records.zip');
    await fsp.writeFile(file, Buffer.concat([cd, small, end]));
    const zip = await ZipReader.open(file);
    try {
      expect(zip.entries.map((e) => [e.name, e.size, e.compressedSize, e.localOffset])).toEqual([
        ['huge.bin', big.size, big.compressedSize, big.offset],
        ['small.txt', 10, 8, 100],
      ]);
      expect(zip.entry('small.txt')!.mode).toBe(0o755);
    } finally {
      await zip.close();
    }
  });

  it('writes a plain end record when nothing overflows', () => {
    const end = endOfCentralDirectory(3, 200, 1000);
    expect(end).toHaveLength(22);
    expect(end.readUInt16LE(10)).toBe(3);
  });
});

describe('entryNameProblem', () => {
  it.each([
    ['a/b.js', undefined],
    ['dir/', undefined],
    ['été.txt', undefined],
    ['', 'is empty'],
    ['../x', 'contains a ".." segment'],
    ['a/../../x', 'contains a ".." segment'],
    ['/abs', 'is an absolute path'],
    ['D:/x', 'starts with a drive letter ("D:"), which Windows tools read as an absolute path'],
    ['a:b.js', 'starts with a drive letter ("a:"), which Windows tools read as an absolute path'],
    ['lib/a:b.js', undefined],
    ['a\\b', 'contains a backslash'],
    ['a//b', 'contains an empty or "." segment'],
    ['./a', 'contains an empty or "." segment'],
    ['a\0b', 'contains a NUL byte'],
  ])('%j -> %s', (name, problem) => {
    expect(entryNameProblem(name)).toBe(problem);
  });
});
