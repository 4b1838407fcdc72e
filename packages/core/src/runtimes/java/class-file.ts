/**
 * A small reader for the parts of a JVM class file the package step needs: the format version,
 * the class's own and super class names, and its methods (JVMS 17, chapter 4). Reads bytes only;
 * no user code is loaded or run.
 */

export interface ClassMethod {
  name: string;
  descriptor: string;
  accessFlags: number;
  /** Parameter types in descriptor form: `Ljava/util/Map;`, `I`, `[B`. */
  parameters: string[];
}

export interface ClassFileInfo {
  major: number;
  minor: number;
  /** Binary name with dots: `com.example.Handler`. */
  className: string;
  superName?: string;
  /** Interfaces the class names itself (binary names with dots), not their super-interfaces. */
  interfaces: string[];
  accessFlags: number;
  methods: ClassMethod[];
}

export const ACC_PUBLIC = 0x0001;
export const ACC_STATIC = 0x0008;
export const ACC_ABSTRACT = 0x0400;
const CLASS_MAGIC = 0xcafebabe;

export class ClassFileFormatError extends Error {
  override readonly name = 'ClassFileFormatError';
}

/** Class file major version -> the Java release that first reads it (52 -> 8, 61 -> 17, 65 -> 21). */
export function javaReleaseOfMajor(major: number): number {
  return major - 44;
}

/** Just the magic and version: cheap enough to run over every class of every jar. */
export function readClassVersion(bytes: Buffer): { major: number; minor: number } | undefined {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== CLASS_MAGIC) return undefined;
  return { minor: bytes.readUInt16BE(4), major: bytes.readUInt16BE(6) };
}

export function parseClassFile(bytes: Buffer): ClassFileInfo {
  const version = readClassVersion(bytes);
  if (!version) throw new ClassFileFormatError('not a class file (bad magic number)');
  let p = 8;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new ClassFileFormatError(`truncated at byte ${p}`);
  };
  const u1 = () => { need(1); return bytes.readUInt8(p++); };
  const u2 = () => { need(2); const v = bytes.readUInt16BE(p); p += 2; return v; };
  const u4 = () => { need(4); const v = bytes.readUInt32BE(p); p += 4; return v; };

  const count = u2();
  const utf8 = new Map<number, string>();
  const classNameIndex = new Map<number, number>();
  for (let i = 1; i < count; i++) {
    const tag = u1();
    switch (tag) {
      case 1: { // Utf8 (modified UTF-8; plain UTF-8 decoding is right for every name we look up)
        const len = u2();
        need(len);
        utf8.set(i, bytes.toString('utf8', p, p + len));
        p += len;
        break;
      }
      case 7: classNameIndex.set(i, u2()); break; // Class
      case 8: case 16: case 19: case 20: p += 2; break; // String, MethodType, Module, Package
      case 15: p += 3; break; // MethodHandle
      case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: p += 4; break;
      case 5: case 6: p += 8; i++; break; // Long and Double take two slots
      default: throw new ClassFileFormatError(`unknown constant pool tag ${tag} at entry ${i}`);
    }
  }
  const className = (index: number): string | undefined => {
    const nameIndex = classNameIndex.get(index);
    const name = nameIndex === undefined ? undefined : utf8.get(nameIndex);
    return name?.replace(/\//g, '.');
  };
  const accessFlags = u2();
  const thisName = className(u2());
  if (!thisName) throw new ClassFileFormatError('this_class does not name a class');
  const superName = className(u2());
  const interfaces: string[] = [];
  for (let i = u2(); i > 0; i--) {
    const name = className(u2());
    if (name) interfaces.push(name);
  }
  const skipMembers = (read: (flags: number, name: string, descriptor: string) => void) => {
    const n = u2();
    for (let i = 0; i < n; i++) {
      const flags = u2();
      const name = utf8.get(u2()) ?? '';
      const descriptor = utf8.get(u2()) ?? '';
      const attributes = u2();
      for (let a = 0; a < attributes; a++) {
        p += 2;
        const len = u4();
        need(len);
        p += len;
      }
      read(flags, name, descriptor);
    }
  };
  skipMembers(() => undefined); // fields
  const methods: ClassMethod[] = [];
  skipMembers((flags, name, descriptor) => methods.push({ name, descriptor, accessFlags: flags, parameters: parameterTypes(descriptor) }));
  return { ...version, className: thisName, superName, interfaces, accessFlags, methods };
}

/** `(Ljava/util/Map;I[Ljava/lang/String;)V` -> [`Ljava/util/Map;`, `I`, `[Ljava/lang/String;`]. */
export function parameterTypes(descriptor: string): string[] {
  const end = descriptor.indexOf(')');
  if (!descriptor.startsWith('(') || end < 0) throw new ClassFileFormatError(`bad method descriptor "${descriptor}"`);
  const out: string[] = [];
  let i = 1;
  while (i < end) {
    let j = i;
    while (descriptor[j] === '[') j++;
    if (descriptor[j] === 'L') j = descriptor.indexOf(';', j);
    if (j < 0 || j >= end) throw new ClassFileFormatError(`bad method descriptor "${descriptor}"`);
    out.push(descriptor.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}
