import type { FinalTree, HandlerCheck } from '../types';
import type { ModuleCheck } from './interpreter';

/** Zip paths the handler's module may live at: `pkg/mod.py`, then `pkg/mod/__init__.py`. */
export const moduleFiles = (modulePath: string): string[] => [`${modulePath}.py`, `${modulePath}/__init__.py`];

/** `pkg.mod.handler` or `pkg/mod.handler` -> module path `pkg/mod` and function `handler`. */
export function parseHandler(handler: string): { modulePath: string; fn: string } | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const modulePath = handler.slice(0, dot).replace(/\./g, '/');
  const fn = handler.slice(dot + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn) || modulePath.split('/').some((s) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))) return undefined;
  return { modulePath, fn };
}

/**
 * Checks the handler against the zip as written: the module file is there and defines the
 * function at module level. `checkSource` parses the zip's bytes with `ast`; user code is never
 * imported.
 */
export async function checkPythonHandler(
  handler: string, tree: FinalTree, checkSource: (file: string, source: Buffer) => Promise<ModuleCheck>, how: string,
): Promise<HandlerCheck> {
  const parsed = parseHandler(handler);
  if (!parsed) {
    return { ok: false, problem: 'is not of the form module.function', hint: 'write it as "app.handler" (app.py) or "pkg.mod.handler" (pkg/mod.py)' };
  }
  const { modulePath, fn } = parsed;
  const candidates = moduleFiles(modulePath);
  const file = candidates.find((c) => tree.files.has(c));
  if (!file) {
    const topLevel = [...tree.files].filter((f) => f.endsWith('.py') && !f.includes('/')).sort();
    return {
      ok: false, problem: `names module ${modulePath.replace(/\//g, '.')}, but ${candidates[0]} is not in the zip`,
      details: [`looked for: ${candidates.join(', ')}`, `modules at the zip root: ${topLevel.join(', ') || '(none)'}`],
      hint: `add ${candidates[0]} to the function (check "sourceDir" and "exclude"), or point "handler" at an existing module`,
    };
  }
  const result = await checkSource(file, await tree.zip.read(file));
  if ('syntaxError' in result) {
    const e = result.syntaxError;
    return {
      ok: false, problem: `cannot load: ${file} has a syntax error at line ${e.line}: ${e.msg}`,
      details: [`${file}:${e.line}${e.offset ? `:${e.offset}` : ''}: ${e.text}`],
      hint: `fix the syntax error in ${file} (${how})`,
    };
  }
  if (!result.found) {
    return {
      ok: false, problem: `is missing: ${file} does not define ${fn}`,
      details: [`module-level names in ${file}: ${result.names.slice(0, 30).join(', ') || '(none)'}`],
      hint: `define \`def ${fn}(event, context):\` at module level in ${file}, or fix "handler"`,
    };
  }
  return { ok: true, detail: `${result.found} ${fn} in ${file}` };
}
