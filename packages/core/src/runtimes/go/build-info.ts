/**
 * Reads the build information the Go linker embeds in every binary (the bytes `go version -m`
 * prints), without spawning go: a warm `go build` takes well under a second, and two extra
 * `go version` processes would add a large share of that to every package run.
 */
export interface GoModule {
  path: string;
  version: string;
  /** Target of a `replace` directive (a relative folder or another module), if any. */
  replacedBy?: { path: string; version: string };
}

export interface GoBuildInfo {
  /** Toolchain that built the binary, e.g. `go1.19.8`. */
  goVersion: string;
  /** Import path of the main package. */
  mainPath: string;
  main?: GoModule;
  deps: GoModule[];
  /** `build` lines: `GOARCH=amd64`, `-tags=lambda.norpc`, ... */
  settings: Record<string, string>;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_INLINE_STRINGS = 0x2;

function readUvarint(buf: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && shift < 35; i++) {
    const b = buf[i];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i + 1 };
    shift += 7;
  }
  throw new Error('truncated varint in Go build info');
}

function readString(buf: Buffer, at: number): { text: string; next: number } {
  const { value, next } = readUvarint(buf, at);
  return { text: buf.subarray(next, next + value).toString('utf8'), next: next + value };
}

/**
 * Parses the build info of a Go >= 1.18 binary (inline-string format). Returns undefined for
 * older binaries or when there is none.
 */
export function readGoBuildInfo(binary: Buffer): GoBuildInfo | undefined {
  let at = binary.indexOf(MAGIC);
  // The header is 16-byte aligned; skip chance matches elsewhere in the data.
  while (at >= 0 && at % 16 !== 0) at = binary.indexOf(MAGIC, at + 1);
  if (at < 0 || binary.length < at + HEADER_SIZE) return undefined;
  if (!(binary[at + 15] & FLAG_INLINE_STRINGS)) return undefined;
  const version = readString(binary, at + HEADER_SIZE);
  const modinfo = readString(binary, version.next);
  return parseModInfo(version.text, stripSentinels(modinfo.text));
}

/** The module text is framed by two 16-byte sentinels. */
function stripSentinels(text: string): string {
  if (text.length >= 33 && text[text.length - 17] === '\n') return text.slice(16, -16);
  return text;
}

/** Parses the tab-separated text `go version -m` prints (path, mod, dep, =>, build lines). */
export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, mainPath: '', deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, a = '', b = ''] = line.split('\t');
    if (kind === 'path') info.mainPath = a;
    else if (kind === 'mod') last = info.main = { path: a, version: b };
    else if (kind === 'dep') info.deps.push((last = { path: a, version: b }));
    else if (kind === '=>' && last) last.replacedBy = { path: a, version: b };
    else if (kind === 'build') {
      const eq = a.indexOf('=');
      if (eq > 0) info.settings[a.slice(0, eq)] = a.slice(eq + 1);
    }
  }
  return info;
}
