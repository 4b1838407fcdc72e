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

  const walk = (dir: string, rel: string, chain: ReadonlySet<string>) => {
    const names = fs.readdirSync(dir).sort();
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
        walk(real, relPath, new Set([...chain, real]));
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
