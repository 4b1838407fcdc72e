import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { deflateBuffer } from '../../archive/deflate-pool';
import { ZipReader } from '../../archive/zip-reader';
import { centralHeader, endOfCentralDirectory, externalAttributes, FLAG_UTF8, localHeader, METHOD_STORE } from '../../archive/zip-format';
import type { MavenArtifact } from './maven';

/**
 * Workspace modules' jars, as they go into lib/. Maven's jar plugin records each entry's file
 * mode from target/classes, which the umask of whoever wrote target/ decided (0600 under umask
 * 077, 0664 under 002), so the same sources give different jars on different machines.
 */

/** java.util.zip's default level, the one Maven's jar plugin deflates with; fixed so the bytes are. */
const JAR_LEVEL = 6;

/**
 * A jar Maven built in the workspace (a reactor module's `target/`), as opposed to one it
 * resolved from a Maven repository: those are bytes as published and are shipped untouched,
 * also when the local repository sits inside the workspace (`-Dmaven.repo.local=.m2/repository`,
 * common with CI caches).
 */
export function isWorkspaceModuleJar(a: Pick<MavenArtifact, 'groupId' | 'artifactId' | 'file'>, workspaceRoot: string): boolean {
  const rel = path.relative(workspaceRoot, a.file);
  const inside = rel !== '' && !path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`);
  return inside && !inRepositoryLayout(a);
}

/**
 * `<repo>/com/google/code/gson/gson/2.10/gson-2.10.jar`: the groupId's folders and the artifactId
 * above the version folder (the base version for a snapshot, so that folder is not compared).
 * A reactor module's jar sits in its build folder (`target/`), never under such a path.
 */
function inRepositoryLayout(a: Pick<MavenArtifact, 'groupId' | 'artifactId' | 'file'>): boolean {
  const dirs = path.dirname(path.dirname(path.resolve(a.file))).split(path.sep);
  const expected = [...a.groupId.split('.'), a.artifactId];
  const at = dirs.length - expected.length;
  return at >= 0 && expected.every((part, i) => dirs[at + i] === part);
}

/**
 * Rewrites a jar with fixed entry modes (0644 files, 0755 folders) and nothing else of the
 * machine's: entry order (META-INF/MANIFEST.MF stays first, where JarInputStream looks for it),
 * names, contents and the entry times Maven set from project.build.outputTimestamp are kept;
 * extra fields and comments are dropped and files are deflated again at a fixed level. Workspace
 * jars are small: read and written whole. Returns the size of the written jar.
 */
export async function writeNormalisedJar(from: string, to: string): Promise<number> {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  await ZipReader.with(from, async (jar) => {
    await jar.readWhole();
    for (const e of jar.entries) {
      const name = Buffer.from(e.name, 'utf8');
      const flags = name.length !== e.name.length ? FLAG_UTF8 : 0;
      const time = { dosTime: e.dosTime, dosDate: e.dosDate };
      const data = e.type === 'file' ? await contentOf(jar.stream(e)) : Buffer.alloc(0);
      const { method, crc, payload } = e.type === 'file' ? deflateBuffer(data, JAR_LEVEL) : { method: METHOD_STORE, crc: 0, payload: data };
      const fields = { name, flags, method, crc, compressedSize: payload.length, size: data.length, ...time };
      const header = localHeader({ ...fields, zip64: false });
      central.push(centralHeader({ ...fields, offset, externalAttributes: externalAttributes(e.type, false) }));
      parts.push(header, payload);
      offset += header.length + payload.length;
    }
  });
  const directory = Buffer.concat(central);
  const bytes = Buffer.concat([...parts, directory, endOfCentralDirectory(central.length, directory.length, offset)]);
  await fsp.writeFile(to, bytes);
  return bytes.length;
}

async function contentOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const c of chunks) all.push(c);
  return Buffer.concat(all);
}
