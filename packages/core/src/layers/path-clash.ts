import * as path from 'node:path';

/**
 * Layer paths that the function's own files would shadow or duplicate where the runtime looks them
 * up. A layer path is compared as it is, and relative to the layer root: `python/alpha/__init__.py`
 * is the module `alpha/__init__.py` at the task root, `nodejs/node_modules/x/index.js` is the
 * function's `node_modules/x/index.js`, `java/lib/a.jar` the function's `lib/a.jar`.
 */
export function layerPathClashes(layerRoot: string | undefined, layerPaths: readonly string[], functionFiles: ReadonlySet<string>): string[] {
  const root = layerRoot?.replace(/\/+$/, '');
  const clashes: string[] = [];
  for (const p of layerPaths) {
    const candidates = [p];
    if (root && p.startsWith(`${root}/`)) {
      const rel = p.slice(root.length + 1);
      candidates.push(rel, path.posix.join(path.posix.basename(root), rel));
    }
    const hit = candidates.find((c) => functionFiles.has(c));
    if (hit) clashes.push(hit === p ? p : `${hit} (layer: ${p})`);
  }
  return clashes;
}
