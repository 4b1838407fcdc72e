import * as path from 'node:path';
import type { BuildContext, FinalTree, HandlerCheck } from '../types';

const CHECK_SCRIPT = path.join(__dirname, 'scripts', 'handler-check.rb');

/** `lib/app.App::Handler.process` -> file `lib/app.rb`, target `App::Handler.process`. */
export function parseRubyHandler(handler: string): { file: string; target: string } | undefined {
  const dot = handler.indexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  return { file: `${handler.slice(0, dot)}.rb`, target: handler.slice(dot + 1) };
}

interface ScriptReport {
  syntaxError?: string;
  found?: boolean;
  paramsProblem?: string | null;
  defined?: string[];
}

/** Static check in the final tree: the file is there, compiles, and defines the method. No user code runs. */
export async function checkRubyHandler(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
  const parsed = parseRubyHandler(ctx.request.handler);
  if (!parsed) {
    return { ok: false, problem: 'is not "file.method"', hint: 'use the file path from the zip root without .rb, a dot, then the method: "app.handler" or "lib/app.App::Handler.process"' };
  }
  const { file, target } = parsed;
  if (!tree.files.has(file)) {
    return { ok: false, problem: `names ${file}, which is not in the zip`, hint: `create ${file} in the project root, or fix the handler's file part (or "exclude", if it drops ${file})` };
  }
  const { stdout } = await ctx.exec({ where: 'ruby:handler', command: 'ruby', args: [CHECK_SCRIPT, path.join(tree.root, file), target], cwd: tree.root });
  const report = JSON.parse(stdout) as ScriptReport;
  if (report.syntaxError) {
    const details = report.syntaxError.split(tree.root + path.sep).join('').trimEnd().split('\n');
    return { ok: false, problem: `is in ${file}, which does not compile (ruby -c)`, details, hint: `fix the syntax error in ${file}` };
  }
  const owner = target.includes('.') ? target.slice(0, target.lastIndexOf('.')) : '';
  const method = target.slice(target.lastIndexOf('.') + 1);
  if (!report.found) {
    const shape = owner ? `\`def self.${method}(event:, context:)\` in ${owner}` : `a top-level \`def ${method}(event:, context:)\``;
    return { ok: false, problem: `is not defined: ${file} has no ${target}`, details: [`defined: ${(report.defined ?? []).join(', ') || 'no methods'}`], hint: `add ${shape} to ${file}, or fix the handler` };
  }
  if (report.paramsProblem) {
    return { ok: false, problem: `cannot take (event:, context:): ${target} ${report.paramsProblem}`, hint: `Lambda calls ${target}(event:, context:); declare those keywords` };
  }
  return { ok: true, detail: `${file} defines ${target}` };
}
