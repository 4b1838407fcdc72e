import type { BuildContext, FinalTree, HandlerCheck } from '../types';
import { inspectScripts } from './pwsh';

/** The three handler forms of the PowerShell custom runtime. */
export type PowerShellHandler =
  | { kind: 'script'; script: string }
  | { kind: 'function'; script: string; fn: string }
  | { kind: 'module'; module: string; fn: string };

const FORMS = 'script.ps1, script.ps1::FunctionName or Module::ModuleName::FunctionName';

export function parsePowerShellHandler(handler: string): PowerShellHandler | undefined {
  const parts = handler.split('::');
  if (parts.some((p) => !p.trim())) return undefined;
  if (parts.length === 3 && parts[0] === 'Module') return { kind: 'module', module: parts[1], fn: parts[2] };
  if (!parts[0].toLowerCase().endsWith('.ps1')) return undefined;
  if (parts.length === 1) return { kind: 'script', script: parts[0] };
  if (parts.length === 2) return { kind: 'function', script: parts[0], fn: parts[1] };
  return undefined;
}

/** The file of a module its code lives in: RootModule of the manifest, else `<Name>.psm1`. */
export async function moduleRootFile(tree: FinalTree, module: string): Promise<string | undefined> {
  const prefix = `modules/${module}/`.toLowerCase();
  const inModule = [...tree.files].filter((f) => f.toLowerCase().startsWith(prefix)).sort();
  const manifest = inModule.find((f) => f.toLowerCase().endsWith(`/${module.toLowerCase()}.psd1`));
  if (manifest) {
    const root = /^\s*RootModule\s*=\s*['"]([^'"]+)['"]/m.exec((await tree.zip.read(manifest)).toString('utf8'))?.[1];
    if (root) {
      const file = `${manifest.slice(0, manifest.lastIndexOf('/') + 1)}${root.replace(/^\.[\\/]/, '').replace(/\\/g, '/')}`;
      return tree.files.has(file) ? file : undefined;
    }
  }
  return inModule.find((f) => f.toLowerCase().endsWith(`/${module.toLowerCase()}.psm1`));
}

/**
 * Checks the handler in the final tree with pwsh's parser: the script (or the module's root file)
 * is in the zip, parses, and defines the function. Nothing is executed.
 */
export async function checkPowerShellHandler(ctx: BuildContext, tree: FinalTree, pwsh: string): Promise<HandlerCheck> {
  const h = parsePowerShellHandler(ctx.request.handler);
  if (!h) return { ok: false, problem: `is not one of the PowerShell handler forms`, hint: `write the handler as ${FORMS}` };
  let file: string | undefined;
  if (h.kind === 'module') {
    file = await moduleRootFile(tree, h.module);
    if (!file) {
      const present = [...new Set([...tree.files].filter((f) => f.startsWith('modules/')).map((f) => f.split('/')[1]))].sort();
      return {
        ok: false, problem: `names module ${h.module}, which is not in the zip's modules/ folder`,
        details: [`modules in the zip: ${present.join(', ') || '(none)'}`],
        hint: `add "#Requires -Modules ${h.module}" to a script of the function, or put the module under modules/ in the project`,
      };
    }
  } else if (!tree.files.has(h.script)) {
    const scripts = [...tree.files].filter((f) => f.endsWith('.ps1')).sort();
    return { ok: false, problem: `names ${h.script}, which is not in the zip`, details: [`scripts in the zip: ${scripts.join(', ') || '(none)'}`], hint: 'use the script\'s path relative to the project root' };
  } else file = h.script;

  const [parsed] = (await inspectScripts(ctx, pwsh, 'powershell:handler', tree.root, [file])).files;
  if (parsed.errors.length) {
    return {
      ok: false, problem: `points at ${file}, which does not parse`,
      details: parsed.errors.map((e) => `${file}:${e.line}:${e.column}: ${e.message}`), hint: 'fix the syntax errors listed',
    };
  }
  if (h.kind !== 'script' && !parsed.functions.some((f) => f.toLowerCase() === h.fn.toLowerCase())) {
    return {
      ok: false, problem: `names function ${h.fn}, which ${file} does not define`,
      details: [`functions in ${file}: ${parsed.functions.join(', ') || '(none)'}`],
      hint: `define "function ${h.fn}" at the top level of ${file}, or name one of the functions listed`,
    };
  }
  return { ok: true, detail: h.kind === 'script' ? file : `${file}: ${h.fn}` };
}
