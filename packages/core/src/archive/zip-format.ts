/** Byte layouts of the zip records we write and read (PKWARE APPNOTE 6.3). */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_DATA_DESCRIPTOR = 0x08074b50;

export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;
export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** Version made by: high byte 3 = Unix (so external attributes carry the mode), low byte 4.5. */
export const MADE_BY_UNIX = (3 << 8) | 45;
export const NEEDED_DEFAULT = 20;
export const NEEDED_ZIP64 = 45;

/** 1980-01-01 00:00:00 in MS-DOS format: the zip epoch, the same in every time zone. */
export const DOS_TIME = 0;
export const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const MSDOS_DIR = 0x10;

export const FILE_MODE = 0o644;
export const EXEC_MODE = 0o755;
export const DIR_MODE = 0o755;

export function externalAttributes(type: 'file' | 'directory', executable: boolean): number {
  if (type === 'directory') return (((S_IFDIR | DIR_MODE) << 16) | MSDOS_DIR) >>> 0;
  return ((S_IFREG | (executable ? EXEC_MODE : FILE_MODE)) << 16) >>> 0;
}

export interface LocalHeaderFields {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** A zip64 extra with both sizes is written (values in the descriptor or the extra). */
  zip64: boolean;
  /** MS-DOS time and date of the entry; DOS_TIME and DOS_DATE unless an existing jar's are kept. */
  dosTime?: number;
  dosDate?: number;
}

export function localHeader(f: LocalHeaderFields): Buffer {
  const extra = f.zip64 ? zip64Extra([f.size, f.compressedSize]) : Buffer.alloc(0);
  const b = Buffer.alloc(30);
  b.writeUInt32LE(SIG_LOCAL, 0);
  b.writeUInt16LE(f.zip64 ? NEEDED_ZIP64 : NEEDED_DEFAULT, 4);
  b.writeUInt16LE(f.flags, 6);
  b.writeUInt16LE(f.method, 8);
  b.writeUInt16LE(f.dosTime ?? DOS_TIME, 10);
  b.writeUInt16LE(f.dosDate ?? DOS_DATE, 12);
  b.writeUInt32LE(f.crc >>> 0, 14);
  b.writeUInt32LE(f.zip64 ? U32_MAX : f.compressedSize, 18);
  b.writeUInt32LE(f.zip64 ? U32_MAX : f.size, 22);
  b.writeUInt16LE(f.name.length, 26);
  b.writeUInt16LE(extra.length, 28);
  return Buffer.concat([b, f.name, extra]);
}

export function dataDescriptor(crc: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  const b = Buffer.alloc(zip64 ? 24 : 16);
  b.writeUInt32LE(SIG_DATA_DESCRIPTOR, 0);
  b.writeUInt32LE(crc >>> 0, 4);
  if (zip64) {
    b.writeBigUInt64LE(BigInt(compressedSize), 8);
    b.writeBigUInt64LE(BigInt(size), 16);
  } else {
    b.writeUInt32LE(compressedSize, 8);
    b.writeUInt32LE(size, 12);
  }
  return b;
}

export interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  externalAttributes: number;
  dosTime?: number;
  dosDate?: number;
}

export function centralHeader(r: CentralRecord): Buffer {
  // Zip64 values go in the extra field in this fixed order, only for fields that overflow.
  const big: number[] = [];
  if (r.size >= U32_MAX) big.push(r.size);
  if (r.compressedSize >= U32_MAX) big.push(r.compressedSize);
  if (r.offset >= U32_MAX) big.push(r.offset);
  const extra = big.length ? zip64Extra(big) : Buffer.alloc(0);
  const b = Buffer.alloc(46);
  b.writeUInt32LE(SIG_CENTRAL, 0);
  b.writeUInt16LE(MADE_BY_UNIX, 4);
  b.writeUInt16LE(big.length ? NEEDED_ZIP64 : NEEDED_DEFAULT, 6);
  b.writeUInt16LE(r.flags, 8);
  b.writeUInt16LE(r.method, 10);
  b.writeUInt16LE(r.dosTime ?? DOS_TIME, 12);
  b.writeUInt16LE(r.dosDate ?? DOS_DATE, 14);
  b.writeUInt32LE(r.crc >>> 0, 16);
  b.writeUInt32LE(Math.min(r.compressedSize, U32_MAX), 20);
  b.writeUInt32LE(Math.min(r.size, U32_MAX), 24);
  b.writeUInt16LE(r.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  b.writeUInt16LE(0, 32); // comment length
  b.writeUInt16LE(0, 34); // disk number start
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE(r.externalAttributes >>> 0, 38);
  b.writeUInt32LE(Math.min(r.offset, U32_MAX), 42);
  return Buffer.concat([b, r.name, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + values.length * 8);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(values.length * 8, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return b;
}

export function endOfCentralDirectory(count: number, cdSize: number, cdOffset: number): Buffer {
  const needs64 = count >= U16_MAX || cdSize >= U32_MAX || cdOffset >= U32_MAX;
  const parts: Buffer[] = [];
  if (needs64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(MADE_BY_UNIX, 12);
    z.writeUInt16LE(NEEDED_ZIP64, 14);
    z.writeUInt32LE(0, 16);
    z.writeUInt32LE(0, 20);
    z.writeBigUInt64LE(BigInt(count), 24);
    z.writeBigUInt64LE(BigInt(count), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    loc.writeUInt32LE(0, 4);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(z, loc);
  }
  const e = Buffer.alloc(22);
  e.writeUInt32LE(SIG_EOCD, 0);
  e.writeUInt16LE(0, 4);
  e.writeUInt16LE(0, 6);
  e.writeUInt16LE(Math.min(count, U16_MAX), 8);
  e.writeUInt16LE(Math.min(count, U16_MAX), 10);
  e.writeUInt32LE(Math.min(cdSize, U32_MAX), 12);
  e.writeUInt32LE(Math.min(cdOffset, U32_MAX), 16);
  e.writeUInt16LE(0, 20);
  parts.push(e);
  return Buffer.concat(parts);
}

/** Entry names we accept: relative, `/`-separated, no `..`, `.` or empty segments, no backslash. */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  // Legal in a Linux file name, but unzip tools on Windows (and zip-slip guards) take it as a drive.
  if (/^[A-Za-z]:/.test(name)) return `starts with a drive letter ("${name.slice(0, 2)}"), which Windows tools read as an absolute path`;
  if (name.includes('\0')) return 'contains a NUL byte';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '..')) return 'contains a ".." segment';
  if (segments.some((s) => s === '' || s === '.')) return 'contains an empty or "." segment';
  return undefined;
}
