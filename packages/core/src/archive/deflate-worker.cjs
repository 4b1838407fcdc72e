'use strict';
// Reads and deflates batches of small files for the zip writer. Plain CommonJS so the same file
// runs as a worker thread (from src under vitest and from dist after the build) and is required
// by the writer for its on-thread mode: one implementation, so both modes give the same bytes.
const fs = require('node:fs');
const zlib = require('node:zlib');
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;

/** Deflated payload of one entry, or the bytes as they are when deflate does not make them smaller. */
function deflateBuffer(data, level) {
  const crc = zlib.crc32(data);
  if (data.length === 0 || level === 0) return { crc, method: METHOD_STORE, payload: data };
  // Output chunks sized to the likely result (about a quarter of the input for code): zlib's
  // default 16 KiB chunk per file is garbage that piles up (hundreds of MiB over a node_modules
  // tree) before the GC runs; measured peak RSS 213 -> 180 MiB on the bench tree. The chunk size
  // only changes how the output is cut, never its bytes (a spec checks the bytes across modes).
  const deflated = zlib.deflateRawSync(data, { level, chunkSize: (data.length >>> 2) + 1024 });
  // The choice depends only on the bytes and the level, so it is the same on every run.
  return deflated.length < data.length
    ? { crc, method: METHOD_DEFLATE, payload: deflated }
    : { crc, method: METHOD_STORE, payload: data };
}

/** Reused read buffer: files are read into it rather than into a new allocation each. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

function readWhole(file, size) {
  if (scratch.length < size + 1) scratch = Buffer.allocUnsafeSlow(Math.max(size + 1, scratch.length * 2));
  const fd = fs.openSync(file, 'r');
  try {
    let n = 0;
    // Read one byte past the listed size, so a file that grew is noticed.
    for (let r; n < size + 1 && (r = fs.readSync(fd, scratch, n, size + 1 - n, n)) > 0; ) n += r;
    return scratch.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * files: [{ path, size }]. Returns { meta, data }: every payload packed into one buffer `data`,
 * and for file i, meta[3i] = crc, meta[3i + 1] = method, meta[3i + 2] = end of its payload in
 * `data` (it starts where file i - 1's ends). Two transferable allocations per batch and no
 * object per file, so nothing per file outlives the batch on either thread. Or { error } for
 * the first file that cannot be read or whose size changed since it was listed.
 */
function deflateFiles(files, level) {
  const payloads = [];
  const meta = new Uint32Array(files.length * 3);
  let total = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    let data;
    try {
      data = readWhole(f.path, f.size);
    } catch (err) {
      return { error: { path: f.path, kind: 'read', message: err.message } };
    }
    if (data.length !== f.size) return { error: { path: f.path, kind: 'size', message: `listed ${f.size} bytes, read ${data.length}` } };
    const r = deflateBuffer(data, level);
    // A stored payload is a view of the scratch buffer: copy it out before the next read.
    payloads.push(r.payload === data ? Buffer.from(data) : r.payload);
    total += r.payload.length;
    meta[3 * i] = r.crc;
    meta[3 * i + 1] = r.method;
    meta[3 * i + 2] = total;
  }
  const data = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const p of payloads) at += p.copy(data, at);
  return { meta, data };
}

if (!isMainThread && workerData && workerData.nxLambdaDeflateWorker) {
  parentPort.on('message', (msg) => {
    const out = deflateFiles(msg.files, msg.level);
    parentPort.postMessage({ id: msg.id, ...out }, out.data ? [out.data.buffer, out.meta.buffer] : []);
  });
}

module.exports = { deflateBuffer, deflateFiles };
