import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as os from 'node:os';
import { LambdaPackageError } from '../errors';
import { removeAbandonedTemps, tempNameFor } from './abandoned-temps';
import { BatchRunner, deflateBuffer, Deflated, DeflatedBatch, DeflateFile, DeflatePool } from './deflate-pool';
import {
  centralHeader, CentralRecord, dataDescriptor, endOfCentralDirectory, entryNameProblem, externalAttributes,
  FLAG_DATA_DESCRIPTOR, FLAG_UTF8, localHeader, METHOD_DEFLATE, METHOD_STORE, U32_MAX,
} from './zip-format';

/** One entry to write. Files come from disk (`sourcePath`) or memory (`data`). */
export interface ZipInputEntry {
  /** `/`-separated path inside the zip; directories end with `/`. */
  name: string;
  type: 'file' | 'directory';
  sourcePath?: string;
  data?: Buffer;
  /** Stored as 0755 when true, else 0644. `bootstrap` is always executable. */
  executable: boolean;
  size: number;
}

export interface ZipWriteOptions {
  /** zlib level 0-9; fixed per build so output is stable. Default 6 (Info-ZIP's default). */
  level?: number;
  /** Files at least this big are streamed instead of read whole. */
  streamThreshold?: number;
  /** Upper bound of file bytes read and compressed ahead of the writer. */
  windowBytes?: number;
  /** Deflate worker threads besides the calling thread, which always deflates too. Default: cores - 1 (at most 4) for big trees on more than two cores, else 0. */
  threads?: number;
}

export interface ZipWriteResult {
  path: string;
  /** base64 of the SHA-256 of the zip bytes: Lambda's CodeSha256. */
  codeSha256: string;
  sha256: string;
  zippedSize: number;
  unzippedSize: number;
  fileCount: number;
  entryCount: number;
}

/** Byte order of the UTF-8 names: the same on every machine and locale. */
export function compareEntryNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** UTF-16 code units from U+D800 up, where UTF-16 order and UTF-8 byte order can disagree. */
const OUT_OF_ORDER_UNITS = /[\ud800-\uffff]/;

/**
 * Sorted by compareEntryNames. Names without code units from U+D800 up compare the same as
 * UTF-16 strings and as UTF-8 bytes, so they are compared as strings: no two Buffers per
 * comparison (hundreds of thousands of them for a node_modules tree).
 */
function sortEntries(input: readonly ZipInputEntry[]): ZipInputEntry[] {
  const entries = [...input];
  if (entries.some((e) => OUT_OF_ORDER_UNITS.test(e.name))) return entries.sort((a, b) => compareEntryNames(a.name, b.name));
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Hashing, offset-tracking output over a file descriptor. Writes are copied into one reused
 * buffer and written out when it fills: the many small headers and payload views die young
 * instead of staying referenced (and surviving garbage collections) until a flush.
 */
class ZipSink {
  offset = 0;
  private readonly hash = createHash('sha256');
  private readonly buffer = Buffer.allocUnsafeSlow(SINK_BYTES);
  private used = 0;
  constructor(private readonly handle: fsp.FileHandle) {}
  async write(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    for (let at = 0; at < buf.length; ) {
      const n = buf.copy(this.buffer, this.used, at);
      this.used += n;
      at += n;
      if (this.used === this.buffer.length) await this.flush();
    }
  }
  async flush(): Promise<void> {
    if (!this.used) return;
    const full = this.buffer.subarray(0, this.used);
    this.hash.update(full);
    for (let at = 0; at < full.length; ) at += (await this.handle.write(full, at, full.length - at)).bytesWritten;
    this.used = 0;
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

const SINK_BYTES = 1024 * 1024;

/** Small files are grouped into batches of about this many bytes (or BATCH_FILES files) per worker message. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 256;
/** Below this many bytes of small files, starting worker threads costs more than it saves. */
const INLINE_BYTES = 4 * 1024 * 1024;

/** Pooled entries `first` to `last` (zip order; entries between them that are not pooled are skipped). */
interface Batch {
  first: number;
  last: number;
  count: number;
  bytes: number;
}

/** Consecutive small files (in zip order) grouped for the pool; `batchOf[i]` is entry i's batch, or -1. */
function planBatches(entries: readonly ZipInputEntry[], isPooled: (e: ZipInputEntry) => boolean) {
  const batches: Batch[] = [];
  const batchOf = new Int32Array(entries.length).fill(-1);
  let current: Batch | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isPooled(e)) continue;
    if (!current || current.bytes >= BATCH_BYTES || current.count >= BATCH_FILES) {
      current = { first: i, last: i, count: 0, bytes: 0 };
      batches.push(current);
    }
    current.last = i;
    current.count++;
    current.bytes += e.size;
    batchOf[i] = batches.length - 1;
  }
  return { batches, batchOf };
}

/** The files of batch `b`, listed when it is started so that the lists do not live for the whole run. */
function batchFiles(entries: readonly ZipInputEntry[], batchOf: Int32Array, b: number, batch: Batch): DeflateFile[] {
  const files: DeflateFile[] = [];
  for (let i = batch.first; i <= batch.last; i++) if (batchOf[i] === b) files.push({ path: entries[i].sourcePath!, size: entries[i].size });
  return files;
}

/**
 * The calling thread deflates too, so one core is left for it. On two cores a worker did not pay:
 * on the bench tree (123 MiB, 21k files, other jobs loading the machine) one worker plus the
 * calling thread took 5.8-11.9 s where the calling thread alone took 5.2-8.0 s, and it added
 * ~9 MiB of peak RSS (a worker's own heap and zlib state).
 */
function defaultThreads(pooledBytes: number): number {
  const cores = os.availableParallelism();
  if (pooledBytes < INLINE_BYTES || cores <= 2) return 0;
  return Math.min(4, cores - 1);
}

/** Files below this are read whole (in batches, on the pool); bigger ones are read in READ_CHUNK pieces. */
const READ_WHOLE_MAX = 1024 * 1024;
const READ_CHUNK = 256 * 1024;

/**
 * Central directory records, packed as their final bytes while the entries are written: one
 * buffer per 64 KiB instead of an object and a name Buffer per entry kept to the end.
 */
class CentralDirectory {
  count = 0;
  size = 0;
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafeSlow(0);
  private used = 0;
  add(record: CentralRecord): void {
    const bytes = centralHeader(record);
    if (this.used + bytes.length > this.chunk.length) {
      if (this.used) this.chunks.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafeSlow(Math.max(64 * 1024, bytes.length));
      this.used = 0;
    }
    bytes.copy(this.chunk, this.used);
    this.used += bytes.length;
    this.size += bytes.length;
    this.count++;
  }
  async writeTo(sink: ZipSink): Promise<void> {
    for (const c of this.chunks) await sink.write(c);
    if (this.used) await sink.write(this.chunk.subarray(0, this.used));
  }
}

/**
 * Writes a deterministic zip: entries sorted by name, fixed dates, normalised modes, no
 * time- or owner-carrying extras. Small files are read and deflated in batches on worker threads,
 * a bounded window ahead of the writer, and written in sorted order; files from 1 MiB are
 * deflated in pieces on zlib's thread pool; files from `streamThreshold` are streamed with a data
 * descriptor. The bytes never depend on the number of threads or the window. The zip goes to a
 * temp file beside `target` and is renamed into place, so an interrupted run leaves the previous
 * zip intact.
 */
export async function writeDeterministicZip(
  target: string,
  input: readonly ZipInputEntry[],
  options: ZipWriteOptions = {},
): Promise<ZipWriteResult> {
  const level = options.level ?? 6;
  const streamThreshold = options.streamThreshold ?? 16 * 1024 * 1024;
  const entries = sortEntries(input);
  for (let i = 0; i < entries.length; i++) {
    const problem = entryNameProblem(entries[i].name);
    if (problem) throw new LambdaPackageError('archive', `entry name "${entries[i].name}" ${problem}`, [], 'rename the file; zip entries must be relative paths inside the package');
    if (i > 0 && entries[i].name === entries[i - 1].name) {
      throw new LambdaPackageError('archive', `entry "${entries[i].name}" appears twice`, [], 'two sources write the same path; remove one of them');
    }
  }
  const wholeMax = Math.min(READ_WHOLE_MAX, streamThreshold);
  const isPooled = (e: ZipInputEntry) => e.type === 'file' && e.data === undefined && e.size < wholeMax;
  const { batches, batchOf } = planBatches(entries, isPooled);
  const pooledBytes = batches.reduce((s, b) => s + b.bytes, 0);
  const threads = options.threads ?? defaultThreads(pooledBytes);
  // On the calling thread a batch is done when it is started: reading ahead would only hold memory.
  const windowBytes = threads ? (options.windowBytes ?? 16 * 1024 * 1024) : 0;

  await fsp.mkdir(path.dirname(target), { recursive: true });
  await removeAbandonedTemps(target);
  const tmp = tempNameFor(target, 'tmp', randomBytes(4).toString('hex'));
  const handle = await fsp.open(tmp, 'w');
  const sink = new ZipSink(handle);
  const pool = new DeflatePool(threads, level);
  const central = new CentralDirectory();
  let unzippedSize = 0;
  let fileCount = 0;
  try {
    const runner = new BatchRunner(pool, batches.map((b) => b.bytes), (b) => batchFiles(entries, batchOf, b, batches[b]), windowBytes);
    let batchIndex = -1;
    let batchResults: DeflatedBatch | undefined;
    let posInBatch = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const name = Buffer.from(e.name, 'utf8');
      const utf8 = name.length !== e.name.length ? FLAG_UTF8 : 0;
      const executable = e.type === 'file' && (e.executable || path.posix.basename(e.name) === 'bootstrap');
      const externalAttrs = externalAttributes(e.type, executable);
      const offset = sink.offset;
      if (e.type === 'directory') {
        await sink.write(localHeader({ name, flags: utf8, method: METHOD_STORE, crc: 0, compressedSize: 0, size: 0, zip64: false }));
        central.add({ name, flags: utf8, method: METHOD_STORE, crc: 0, compressedSize: 0, size: 0, offset, externalAttributes: externalAttrs });
        continue;
      }
      fileCount++;
      let p: Deflated | undefined;
      if (e.data) p = deflateBuffer(e.data, level);
      else if (batchOf[i] >= 0) {
        if (batchOf[i] !== batchIndex) {
          batchIndex = batchOf[i];
          batchResults = await runner.take(batchIndex);
          posInBatch = 0;
        }
        const at = posInBatch++;
        p = { crc: batchResults!.crc(at), method: batchResults!.method(at), payload: batchResults!.payload(at) };
      }
      if (p) {
        const size = e.data ? e.data.length : e.size;
        await sink.write(localHeader({ name, flags: utf8, method: p.method, crc: p.crc, compressedSize: p.payload.length, size, zip64: false }));
        await sink.write(p.payload);
        unzippedSize += size;
        central.add({ name, flags: utf8, method: p.method, crc: p.crc, compressedSize: p.payload.length, size, offset, externalAttributes: externalAttrs });
      } else {
        runner.feedWorkers();
        const written = e.size < streamThreshold ? await writeInPieces(sink, e, name, utf8, level) : await writeStreamed(sink, e, name, utf8, level);
        unzippedSize += written.size;
        central.add({ ...written, name, offset, externalAttributes: externalAttrs });
      }
    }
    const cdOffset = sink.offset;
    await central.writeTo(sink);
    await sink.write(endOfCentralDirectory(central.count, central.size, cdOffset));
    await sink.flush();
    await handle.sync();
    await handle.close();
    await fsp.rename(tmp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    await pool.close();
  }
  const digest = sink.digest();
  return {
    path: target,
    codeSha256: digest.toString('base64'),
    sha256: digest.toString('hex'),
    zippedSize: sink.offset,
    unzippedSize,
    fileCount,
    entryCount: central.count,
  };
}

function changedWhileZipped(file: string, details: string[] = []): LambdaPackageError {
  return new LambdaPackageError('archive', `${file} changed size while it was being zipped`, details, 'do not modify the staged files during packaging');
}

/** Reads a file in READ_CHUNK pieces into one reused buffer; `use` must be done with a piece before it returns. */
async function readPieces(file: string, size: number, use: (piece: Buffer) => Promise<void>): Promise<number> {
  const fh = await fsp.open(file, 'r');
  const buf = Buffer.allocUnsafeSlow(READ_CHUNK);
  let total = 0;
  try {
    for (;;) {
      // Reading one byte past the listed size notices a file that grew.
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ_CHUNK, size + 1 - total), total);
      if (bytesRead === 0) break;
      total += bytesRead;
      await use(buf.subarray(0, bytesRead));
      if (total > size) break;
    }
  } finally {
    await fh.close();
  }
  return total;
}

/**
 * A file from READ_WHOLE_MAX to streamThreshold: read in pieces and deflated on zlib's thread
 * pool, keeping only the deflated bytes, so that the entry is written with its sizes in the local
 * header exactly as a pooled file would be (deflate's output does not depend on how the input is
 * cut; a spec checks it against the pooled path). Stored instead when deflate does not shrink it.
 */
async function writeInPieces(sink: ZipSink, e: ZipInputEntry, name: Buffer, utf8: number, level: number) {
  const file = e.sourcePath!;
  const deflater = zlib.createDeflateRaw({ level, chunkSize: 64 * 1024 });
  const parts: Buffer[] = [];
  let compressedSize = 0;
  deflater.on('data', (c: Buffer) => {
    parts.push(c);
    compressedSize += c.length;
  });
  const ended = new Promise<void>((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  let crc = 0;
  let size: number;
  try {
    size = await readPieces(file, e.size, async (piece) => {
      crc = zlib.crc32(piece, crc);
      await new Promise<void>((resolve, reject) => deflater.write(piece, (err) => (err ? reject(err) : resolve())));
    });
  } catch (err) {
    deflater.destroy();
    throw err;
  }
  deflater.end();
  await ended;
  if (size !== e.size) throw changedWhileZipped(file, [`listed ${e.size} bytes, read ${size}`]);
  const method = level > 0 && compressedSize < size ? METHOD_DEFLATE : METHOD_STORE;
  const stored = method === METHOD_STORE ? size : compressedSize;
  await sink.write(localHeader({ name, flags: utf8, method, crc, compressedSize: stored, size, zip64: false }));
  if (method === METHOD_DEFLATE) {
    for (const part of parts) await sink.write(part);
  } else {
    // The sink keeps what it is given until it flushes: each piece goes in as its own copy.
    let again = 0;
    const reread = await readPieces(file, size, async (piece) => {
      again = zlib.crc32(piece, again);
      await sink.write(Buffer.from(piece));
    });
    if (reread !== size || again !== crc) throw changedWhileZipped(file);
  }
  return { flags: utf8, method, crc, compressedSize: stored, size };
}

async function writeStreamed(sink: ZipSink, e: ZipInputEntry, name: Buffer, utf8: number, level: number) {
  const zip64 = e.size >= U32_MAX - (1 << 20);
  const flags = utf8 | FLAG_DATA_DESCRIPTOR;
  await sink.write(localHeader({ name, flags, method: METHOD_DEFLATE, crc: 0, compressedSize: 0, size: 0, zip64 }));
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const deflater = zlib.createDeflateRaw({ level, chunkSize: 256 * 1024 });
  const source = createReadStream(e.sourcePath!, { highWaterMark: 1 << 20 });
  const drain = (async () => {
    for await (const chunk of deflater as AsyncIterable<Buffer>) {
      compressedSize += chunk.length;
      await sink.write(chunk);
    }
  })();
  for await (const chunk of source as AsyncIterable<Buffer>) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await new Promise((r) => deflater.once('drain', r));
  }
  deflater.end();
  await drain;
  if (size !== e.size) throw changedWhileZipped(e.sourcePath!);
  await sink.write(dataDescriptor(crc, compressedSize, size, zip64));
  return { flags, method: METHOD_DEFLATE, crc, compressedSize, size };
}
