import { promises as fsp } from 'node:fs';
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
 */
export async function collectTree(root: string, options: CollectOptions = {}): Promise<CollectedTree> {
  const realRoot = await fsp.realpath(root);
  const prefix = options.prefix ?? '';
  const entries: ZipInputEntry[] = [];
  const excluded: string[] = [];

  const walk = async (dir: string, rel: string, chain: ReadonlySet<string>) => {
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let st = await fsp.lstat(abs);
      let real = abs;
      if (st.isSymbolicLink()) {
        try {
          real = await fsp.realpath(abs);
        } catch {
          throw new LambdaPackageError('archive:collect', `symlink "${relPath}" dangles`, [`link: ${abs} -> ${await fsp.readlink(abs)}`], 'remove the link or create its target inside the package');
        }
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
          throw new LambdaPackageError('archive:collect', `symlink "${relPath}" points outside the package`, [`link: ${abs} -> ${real}`], 'copy the target into the package instead of linking to it');
        }
        st = await fsp.stat(real);
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
        await walk(real, relPath, new Set([...chain, real]));
      } else if (st.isFile()) {
        entries.push({ name: `${prefix}${relPath}`, type: 'file', sourcePath: real, executable: (st.mode & 0o111) !== 0, size: st.size });
      } else {
        throw new LambdaPackageError('archive:collect', `"${relPath}" is neither a file nor a directory`, [`path: ${abs}`], 'remove sockets, FIFOs and devices from the package');
      }
    }
  };
  await walk(realRoot, '', new Set([realRoot]));
  if (prefix) {
    // Parent directories of the prefix itself, so the layout unzips with normal modes.
    const parts = prefix.replace(/\/$/, '').split('/');
    for (let i = 1; i <= parts.length; i++) entries.push({ name: `${parts.slice(0, i).join('/')}/`, type: 'directory', executable: true, size: 0 });
  }
  return { entries, excluded };
}
