import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import { PathMatcher } from '../package/globs';
import { ZipInputEntry } from './zip-writer';

export interface CollectOptions {
  /** Entries (relative paths) to leave out; a matched directory drops everything under it. */
  exclude?: PathMatcher;
  /** Prefix added to every entry name (`nodejs/node_modules/` for a layer, say). */
  prefix?: string;
}

export interface CollectedTree {
  entries: ZipInputEntry[];
  excluded: string[];
}

/** A file name's bytes, with each byte that starts no UTF-8 character shown as \xNN. */
function showBytes(raw: Buffer): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const valid = (k: number) => i + k <= raw.length && Buffer.from(raw.subarray(i, i + k).toString('utf8'), 'utf8').equals(raw.subarray(i, i + k));
    const n = [1, 2, 3, 4].find(valid);
    out += n ? raw.subarray(i, i + n).toString('utf8') : `\\x${raw[i].toString(16).padStart(2, '0')}`;
    i += n ?? 1;
  }
  return out;
}

/**
 * Fails on a name in `dir` that is not UTF-8. Node decodes such a name with U+FFFD in place of
 * the bad bytes, a name no file has: without this check the next lstat fails with a bare ENOENT
 * (or "dangling symlink"). Zip entry names are UTF-8 (we set the flag), so there is no way to
 * store it as it is. Costs nothing unless a decoded name holds U+FFFD.
 */
export function refuseNonUtf8Names(dir: string, names: readonly string[], where: string, shownDir: string): void {
  if (!names.some((n) => n.includes('\uFFFD'))) return;
  for (const raw of fs.readdirSync(dir, { encoding: 'buffer' })) {
    if (Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)) continue;
    const shown = `${shownDir ? `${shownDir}/` : ''}${showBytes(raw)}`;
    throw new LambdaPackageError(where, `file name "${shown}" is not valid UTF-8`, [`folder: ${dir}`],
      'rename it using UTF-8 characters: zip entry names are UTF-8, and a name in another encoding cannot be stored as it is');
  }
}

/**
 * Lists a staged directory as zip entries. Symlinks are stored as what they point to, so long as
 * the target is inside the staged root; a link that leaves the root or dangles is an error.
 * It uses the synchronous fs calls on purpose: one lstat per entry, tens of thousands of them,
 * costs seconds as awaited thread-pool round trips and milliseconds inline.
 */
export async function collectTree(root: string, options: CollectOptions = {}): Promise<CollectedTree> {
  const realRoot = fs.realpathSync(root);
  const prefix = options.prefix ?? '';
  const entries: ZipInputEntry[] = [];
  const excluded: string[] = [];

  const walk = (dir: string, rel: string, chain: ReadonlySet<string>): void => {
    const names = fs.readdirSync(dir).sort();
    refuseNonUtf8Names(dir, names, 'archive:collect', rel);
    for (const name of names) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let st = fs.lstatSync(abs);
      let real = abs;
      if (st.isSymbolicLink()) {
        try {
          real = fs.realpathSync(abs);
        } catch {
          throw new LambdaPackageError('archive:collect', `symlink "${relPath}" dangles`, [`link: ${abs} -> ${fs.readlinkSync(abs)}`], 'remove the link or create its target inside the package');
        }
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          throw new LambdaPackageError('archive:collect', `symlink "${relPath}" points outside the package`, [`link: ${abs} -> ${real}`], 'copy the target into the package instead of linking to it');
        }
        st = fs.statSync(real);
      }
      const isDir = st.isDirectory();
      if (options.exclude?.(relPath, isDir)) {
        excluded.push(isDir ? `${relPath}/` : relPath);
        continue;
      }
      if (isDir) {
        if (chain.has(real)) {
          throw new LambdaPackageError('archive:collect', `symlink "${relPath}" forms a loop`, [`target: ${real}`], 'remove the link');
        }
        entries.push({ name: `${prefix}${relPath}/`, type: 'directory', executable: true, size: 0 });
        const before = entries.length;
        walk(real, relPath, new Set([...chain, real]));
        // A folder with no file under it gets no entry, whether it is empty in the source or only
        // its excluded files were there: Nx hashes files and git keeps no empty folder, so the zip
        // must be a function of the files (a cache hit then equals a rebuild on any checkout), and
        // an emptied folder would say where a secret was.
        if (entries.length === before) entries.pop();
      } else if (st.isFile()) {
        entries.push({ name: `${prefix}${relPath}`, type: 'file', sourcePath: real, executable: (st.mode & 0o111) !== 0, size: st.size });
      } else {
        throw new LambdaPackageError('archive:collect', `"${relPath}" is neither a file nor a directory`, [`path: ${abs}`], 'remove sockets, FIFOs and devices from the package');
      }
    }
  };
  walk(realRoot, '', new Set([realRoot]));
  if (prefix) {
    // Parent directories of the prefix itself, so the layout unzips with normal modes.
    const parts = prefix.replace(/\/$/, '').split('/');
    for (let i = 1; i <= parts.length; i++) entries.push({ name: `${parts.slice(0, i).join('/')}/`, type: 'directory', executable: true, size: 0 });
  }
  return { entries, excluded };
}
