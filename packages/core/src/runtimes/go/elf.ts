/** Just enough ELF reading to check that a bootstrap fits Lambda: machine and static linking. */
export interface ElfFacts {
  machine: 'x86_64' | 'aarch64' | string;
  /** True when the binary asks for a dynamic loader (PT_INTERP): it would need libc on Lambda. */
  dynamic: boolean;
}

const ELF_MAGIC = 0x7f454c46;
const PT_INTERP = 3;

export function readElfFacts(bytes: Buffer): ElfFacts | undefined {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== ELF_MAGIC) return undefined;
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const u16 = (o: number) => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const off = (o: number) => (is64 ? Number(le ? bytes.readBigUInt64LE(o) : bytes.readBigUInt64BE(o)) : u32(o));
  const m = u16(18);
  const machine = m === 62 ? 'x86_64' : m === 183 ? 'aarch64' : String(m);
  const phoff = off(is64 ? 32 : 28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  let dynamic = false;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (p + 4 <= bytes.length && u32(p) === PT_INTERP) dynamic = true;
  }
  return { machine, dynamic };
}

export function isArArchive(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).toString('latin1') === '!<arch>\n';
}
