/**
 * Gitignore-flavoured globs over `/`-separated relative paths:
 * `*` and `?` stay inside one segment, `**` spans segments, `{a,b}` alternates;
 * a pattern without `/` matches the basename at any depth; a trailing `/` matches a directory
 * and everything under it.
 */
export type PathMatcher = (relPath: string, isDirectory: boolean) => boolean;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map((p) => globToRegExp(p).source.slice(1, -1)).join('|')})`;
        i = end;
      }
    } else re += /[\\^$.|+()[\]]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${re}$`);
}

export function compileGlobs(globs: readonly string[]): PathMatcher {
  const compiled = globs.map((g) => {
    const dirOnly = g.endsWith('/');
    const body = g.replace(/^\.\//, '').replace(/\/$/, '');
    const anchored = body.includes('/');
    return { re: globToRegExp(body), dirOnly, anchored };
  });
  return (relPath, isDirectory) => {
    const segments = relPath.split('/');
    return compiled.some(({ re, dirOnly, anchored }) => {
      // A directory pattern matches the directory itself or any path under it.
      for (let n = 1; n <= segments.length; n++) {
        const prefix = segments.slice(0, n).join('/');
        const isDirPrefix = n < segments.length || isDirectory;
        if (dirOnly && !isDirPrefix) continue;
        const subject = anchored ? prefix : segments[n - 1];
        if (re.test(subject)) return true;
      }
      return false;
    });
  };
}

/** Never shipped unless the user names them in `allowSecrets`. */
export const DEFAULT_SECRET_EXCLUDES = ['.env', '.env.*', '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa', 'id_ed25519', 'credentials.json', '.npmrc', '.pypirc'] as const;
/** Build and editor noise that never belongs in a function. */
export const DEFAULT_NOISE_EXCLUDES = ['.git/', '.hg/', '.svn/', '.DS_Store', 'node_modules/.cache/'] as const;
