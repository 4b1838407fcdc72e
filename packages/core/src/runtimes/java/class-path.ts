import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ZipReader } from '../../archive/zip-reader';
import { LambdaPackageError } from '../../errors';
import { readClassVersion } from './class-file';

/**
 * The class path Lambda's Java runtime builds from a function zip: the zip root (loose classes)
 * and every `lib/*.jar`. Reads class bytes from the final staged tree; nothing is loaded.
 */
export interface ClassSource {
  /** `com/example/Handler.class` (loose) or `lib/gson-2.10.jar!com/google/gson/Gson.class`. */
  where: string;
  /** Resource name inside its root: `com/example/Handler.class`. */
  resource: string;
  jar?: string;
}

export const LIB_DIR = 'lib';

/** Entries that are not on the class path of a class-file version check (multi-release overlays). */
function isVersionedOverlay(resource: string): boolean {
  return resource.startsWith('META-INF/versions/');
}

export function isLibJar(rel: string): boolean {
  return rel.startsWith(`${LIB_DIR}/`) && rel.endsWith('.jar') && !rel.slice(LIB_DIR.length + 1).includes('/');
}

export class ClassPath {
  private readonly jars = new Map<string, ZipReader>();

  private constructor(readonly root: string, readonly files: ReadonlySet<string>) {}

  static async open(root: string, files: ReadonlySet<string>): Promise<ClassPath> {
    const cp = new ClassPath(root, files);
    try {
      for (const rel of [...files].filter(isLibJar).sort()) cp.jars.set(rel, await openJar(root, rel));
    } catch (err) {
      await cp.close();
      throw err;
    }
    return cp;
  }

  get jarNames(): string[] {
    return [...this.jars.keys()];
  }

  /** Every class on the class path, loose classes first, then jars in name order. */
  *classes(): Generator<ClassSource> {
    for (const rel of [...this.files].sort()) {
      if (rel.endsWith('.class') && !isVersionedOverlay(rel) && !rel.startsWith(`${LIB_DIR}/`)) yield { where: rel, resource: rel };
    }
    for (const [jar, zip] of this.jars) {
      for (const e of zip.entries) {
        if (e.type === 'file' && e.name.endsWith('.class') && !isVersionedOverlay(e.name)) yield { where: `${jar}!${e.name}`, resource: e.name, jar };
      }
    }
  }

  /** Where `com.example.Handler` would be loaded from, as the JVM searches: root, then jars. */
  find(className: string): ClassSource | undefined {
    const resource = `${className.replace(/\./g, '/')}.class`;
    if (this.files.has(resource)) return { where: resource, resource };
    for (const [jar, zip] of this.jars) if (zip.has(resource)) return { where: `${jar}!${resource}`, resource, jar };
    return undefined;
  }

  async read(source: ClassSource): Promise<Buffer> {
    if (!source.jar) return fsp.readFile(path.join(this.root, source.resource));
    const zip = this.jars.get(source.jar);
    if (!zip) throw new Error(`jar ${source.jar} is not on the class path`);
    return zip.read(source.resource);
  }

  async close(): Promise<void> {
    for (const zip of this.jars.values()) await zip.close();
  }
}

async function openJar(root: string, rel: string): Promise<ZipReader> {
  try {
    return await ZipReader.open(path.join(root, rel));
  } catch (err) {
    throw new LambdaPackageError('java:classpath', `${rel} is not a readable jar`, [(err as Error).message],
      'remove the file from lib/ or rebuild the dependency; Lambda puts every lib/*.jar on the class path');
  }
}

/** Highest class-file major version each Lambda Java runtime runs. */
export const MAX_CLASS_MAJOR: Readonly<Record<string, number>> = { java17: 61, java21: 65, java25: 69 };

export interface TooNewClass {
  where: string;
  major: number;
  minor: number;
}

/** Every class whose class-file version is newer than `maxMajor`, in class-path order. */
export async function classesNewerThan(cp: ClassPath, maxMajor: number): Promise<TooNewClass[]> {
  const found: TooNewClass[] = [];
  for (const source of cp.classes()) {
    const version = readClassVersion(await cp.read(source));
    if (version && version.major > maxMajor) found.push({ where: source.where, ...version });
  }
  return found;
}
