// Unzipped size of a zip from its central directory: what Lambda checks against 250 MiB.
// A test tool of its own (plain .mjs, no build step), so it reads only what the limit needs.

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const ZIP64_LOCATOR = 0x07064b50;

/** Sum of uncompressed sizes, or null when the bytes are not a zip Lambda could read. */
export function unzippedSize(buf) {
  const min = Math.max(0, buf.length - 22 - 65535);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) return null;
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    count = Number(buf.readBigUInt64LE(z64 + 32));
    offset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  let total = 0;
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) return null;
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    if (size === 0xffffffff) size = zip64Size(buf, p + 46 + nameLen, extraLen);
    total += size;
    p += 46 + nameLen + extraLen + commentLen;
  }
  return total;
}

function zip64Size(buf, start, len) {
  for (let q = start; q + 4 <= start + len;) {
    const id = buf.readUInt16LE(q);
    const size = buf.readUInt16LE(q + 2);
    if (id === 1) return Number(buf.readBigUInt64LE(q + 4));
    q += 4 + size;
  }
  return 0;
}
