/**
 * Reads the type and method names of a .NET assembly straight from its ECMA-335 metadata
 * (PE file -> CLI header -> metadata root -> `#~` tables), without loading or running it.
 *
 * Why TypeScript and not a C# helper using System.Reflection.Metadata: the handler check needs
 * only the TypeDef and MethodDef tables (the first seven tables of the stream), which is about a
 * hundred lines here; a helper would have to be built once per machine (10-20 s of `dotnet build`),
 * cached, invalidated with the SDK and started per check (~100 ms). Parsing in-process is
 * instant, deterministic and needs no SDK at check time.
 *
 * Spec: ECMA-335 6th edition, partition II, sections 22 (tables) and 24 (physical layout).
 */

export interface AssemblyType {
  namespace: string;
  name: string;
  /** `Namespace.Name` (nested types keep their simple name: see DESIGN.md). */
  fullName: string;
  methods: readonly AssemblyMethod[];
  /** Full name of the base type when it is defined in the same assembly. */
  baseType?: string;
}

export interface AssemblyMethod {
  name: string;
  isPublic: boolean;
  isStatic: boolean;
}

export class AssemblyMetadataError extends Error {}

// Table numbers (II.22).
const T_MODULE = 0x00;
const T_TYPEREF = 0x01;
const T_TYPEDEF = 0x02;
const T_FIELDPTR = 0x03;
const T_FIELD = 0x04;
const T_METHODPTR = 0x05;
const T_METHODDEF = 0x06;
const T_PARAM = 0x08;
const T_TYPESPEC = 0x1b;
const T_MODULEREF = 0x1a;
const T_ASSEMBLYREF = 0x23;

interface Heaps {
  strings: Buffer;
  stringIndex: number;
  guidIndex: number;
  blobIndex: number;
}

function fail(message: string): never {
  throw new AssemblyMetadataError(message);
}

/** File offset of the metadata root, via the PE optional header's CLI directory (entry 14). */
function metadataOffset(pe: Buffer): number {
  if (pe.length < 0x40 || pe.readUInt16LE(0) !== 0x5a4d) fail('not a PE file (no MZ header)');
  const peOff = pe.readUInt32LE(0x3c);
  if (pe.readUInt32LE(peOff) !== 0x00004550) fail('not a PE file (no PE signature)');
  const coff = peOff + 4;
  const sections = pe.readUInt16LE(coff + 2);
  const optSize = pe.readUInt16LE(coff + 16);
  const opt = coff + 20;
  const magic = pe.readUInt16LE(opt);
  const dirs = opt + (magic === 0x20b ? 112 : 96);
  const cliRva = pe.readUInt32LE(dirs + 14 * 8);
  if (!cliRva) fail('PE file has no CLI header: not a .NET assembly');
  const sectionTable = opt + optSize;
  const rvaToOffset = (rva: number): number => {
    for (let i = 0; i < sections; i++) {
      const s = sectionTable + i * 40;
      const va = pe.readUInt32LE(s + 12);
      const size = Math.max(pe.readUInt32LE(s + 8), pe.readUInt32LE(s + 16));
      if (rva >= va && rva < va + size) return rva - va + pe.readUInt32LE(s + 20);
    }
    return fail(`RVA 0x${rva.toString(16)} is in no section`);
  };
  const cli = rvaToOffset(cliRva);
  return rvaToOffset(pe.readUInt32LE(cli + 8));
}

function readStreams(pe: Buffer, root: number): Map<string, Buffer> {
  if (pe.readUInt32LE(root) !== 0x424a5342) fail('bad metadata signature');
  const versionLength = pe.readUInt32LE(root + 12);
  let p = root + 16 + versionLength;
  const count = pe.readUInt16LE(p + 2);
  p += 4;
  const streams = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const offset = pe.readUInt32LE(p);
    const size = pe.readUInt32LE(p + 4);
    const nameEnd = pe.indexOf(0, p + 8);
    const name = pe.toString('ascii', p + 8, nameEnd);
    p = (nameEnd + 4) & ~3;
    streams.set(name, pe.subarray(root + offset, root + offset + size));
  }
  return streams;
}

function readString(heaps: Heaps, at: number): string {
  const end = heaps.strings.indexOf(0, at);
  return heaps.strings.toString('utf8', at, end < 0 ? heaps.strings.length : end);
}

/**
 * The CPU an assembly is compiled for, from the PE file header: RID-specific publishes
 * (`-r linux-arm64`) mark IL assemblies for that CPU, and the runtime refuses the other one.
 */
export function readPeMachine(pe: Buffer): 'x86_64' | 'arm64' | 'any' {
  if (pe.length < 0x40 || pe.readUInt16LE(0) !== 0x5a4d) fail('not a PE file (no MZ header)');
  const machine = pe.readUInt16LE(pe.readUInt32LE(0x3c) + 4);
  return machine === 0x8664 ? 'x86_64' : machine === 0xaa64 ? 'arm64' : 'any';
}

/** Lists the types defined in an assembly, each with its methods. */
export function readAssemblyTypes(pe: Buffer): AssemblyType[] {
  let streams: Map<string, Buffer>;
  try {
    streams = readStreams(pe, metadataOffset(pe));
  } catch (err) {
    if (err instanceof AssemblyMetadataError) throw err;
    return fail(`truncated or malformed PE file (${(err as Error).message})`);
  }
  const tables = streams.get('#~') ?? streams.get('#-');
  const strings = streams.get('#Strings');
  if (!tables || !strings) fail('metadata has no #~ or #Strings stream');

  const heapSizes = tables.readUInt8(6);
  const valid = tables.readBigUInt64LE(8);
  const rows: number[] = new Array(64).fill(0);
  let p = 24;
  for (let t = 0; t < 64; t++) {
    if (valid & (1n << BigInt(t))) {
      rows[t] = tables.readUInt32LE(p);
      p += 4;
    }
  }
  if (heapSizes & 0x40) p += 4; // extra data (uncompressed #- streams)
  const heaps: Heaps = {
    strings, stringIndex: heapSizes & 0x01 ? 4 : 2, guidIndex: heapSizes & 0x02 ? 4 : 2, blobIndex: heapSizes & 0x04 ? 4 : 2,
  };
  const index = (t: number) => (rows[t] < 0x10000 ? 2 : 4);
  const coded = (bits: number, ts: number[]) => (Math.max(...ts.map((t) => rows[t])) < 1 << (16 - bits) ? 2 : 4);
  const resolutionScope = coded(2, [T_MODULE, T_MODULEREF, T_ASSEMBLYREF, T_TYPEREF]);
  const typeDefOrRef = coded(2, [T_TYPEDEF, T_TYPEREF, T_TYPESPEC]);
  const { stringIndex: s, guidIndex: g, blobIndex: b } = heaps;

  const rowSize: Record<number, number> = {
    [T_MODULE]: 2 + s + 3 * g,
    [T_TYPEREF]: resolutionScope + 2 * s,
    [T_TYPEDEF]: 4 + 2 * s + typeDefOrRef + index(T_FIELD) + index(T_METHODDEF),
    [T_FIELDPTR]: index(T_FIELD),
    [T_FIELD]: 2 + s + b,
    [T_METHODPTR]: index(T_METHODDEF),
    [T_METHODDEF]: 4 + 2 + 2 + s + b + index(T_PARAM),
  };
  const start: Record<number, number> = {};
  for (let t = T_MODULE; t <= T_METHODDEF; t++) {
    start[t] = p;
    p += rows[t] * rowSize[t];
  }
  if (p > tables.length) fail('metadata tables are truncated');

  const read = (at: number, size: number) => (size === 2 ? tables.readUInt16LE(at) : tables.readUInt32LE(at));
  const methodRow = (i: number): AssemblyMethod => {
    const at = start[T_METHODDEF] + i * rowSize[T_METHODDEF];
    const flags = tables.readUInt16LE(at + 6);
    return { name: readString(heaps, read(at + 8, s)), isPublic: (flags & 0x7) === 0x6, isStatic: (flags & 0x10) !== 0 };
  };
  const typeRows = Array.from({ length: rows[T_TYPEDEF] }, (_, i) => {
    const at = start[T_TYPEDEF] + i * rowSize[T_TYPEDEF];
    const name = readString(heaps, read(at + 4, s));
    const namespace = readString(heaps, read(at + 4 + s, s));
    const extendsRaw = read(at + 4 + 2 * s, typeDefOrRef);
    const methodList = read(at + 4 + 2 * s + typeDefOrRef + index(T_FIELD), index(T_METHODDEF));
    return { name, namespace, extendsRaw, methodList };
  });
  const fullName = (t: { name: string; namespace: string }) => (t.namespace ? `${t.namespace}.${t.name}` : t.name);
  return typeRows.map((t, i) => {
    const end = i + 1 < typeRows.length ? typeRows[i + 1].methodList : rows[T_METHODDEF] + 1;
    const methods: AssemblyMethod[] = [];
    for (let m = t.methodList; m < end; m++) methods.push(methodRow(m - 1));
    // TypeDefOrRef: low 2 bits tag (0 = TypeDef), rest is the 1-based row.
    const base = (t.extendsRaw & 3) === 0 && t.extendsRaw >> 2 ? typeRows[(t.extendsRaw >> 2) - 1] : undefined;
    return { namespace: t.namespace, name: t.name, fullName: fullName(t), methods, ...(base ? { baseType: fullName(base) } : {}) };
  });
}
