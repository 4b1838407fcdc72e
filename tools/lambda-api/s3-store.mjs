// Minimal path-style S3: PutObject, HeadObject, GetObject on pre-created buckets, so the deploy
// path for zips over Lambda's direct-upload limit can be tested end to end.
import { createHash } from 'node:crypto';

export class S3Store {
  constructor(buckets) {
    /** @type {Map<string, Map<string, Buffer>>} */
    this.buckets = new Map(buckets.map((b) => [b, new Map()]));
  }

  get(bucket, key) {
    return this.buckets.get(bucket)?.get(key);
  }

  /** Answers one S3 request; `body` is the (already de-chunked) request payload. */
  handle(method, pathname, body) {
    const [, bucket, ...rest] = pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const objects = this.buckets.get(bucket);
    if (!objects) return xmlError(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`, method);
    const etag = (b) => `"${createHash('md5').update(b).digest('hex')}"`;
    if (method === 'PUT' && key) {
      objects.set(key, body);
      return { status: 200, headers: { etag: etag(body) }, body: Buffer.alloc(0), operation: 'PutObject' };
    }
    if ((method === 'HEAD' || method === 'GET') && key) {
      const operation = method === 'HEAD' ? 'HeadObject' : 'GetObject';
      const obj = objects.get(key);
      if (!obj) return { ...xmlError(404, 'NoSuchKey', 'The specified key does not exist.', method), operation };
      const headers = { etag: etag(obj), 'content-length': String(obj.length), 'content-type': 'application/zip' };
      return { status: 200, headers, body: method === 'GET' ? obj : Buffer.alloc(0), operation };
    }
    return xmlError(405, 'MethodNotAllowed', `${method} ${pathname} is not supported by this S3.`, method);
  }
}

function xmlError(status, code, message, method) {
  const body = method === 'HEAD' ? Buffer.alloc(0)
    : Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  return { status, headers: { 'content-type': 'application/xml' }, body, operation: 'S3Error' };
}

/** Decodes `Content-Encoding: aws-chunked` (the SDK's streaming checksum framing). */
export function decodeAwsChunked(buf) {
  const parts = [];
  let p = 0;
  while (p < buf.length) {
    const eol = buf.indexOf('\r\n', p);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(p, eol).toString('latin1').split(';')[0], 16);
    if (!size) break;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    p = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
