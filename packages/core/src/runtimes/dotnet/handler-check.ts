import type { FinalTree, HandlerCheck } from '../types';
import type { Architecture } from '../types';
import { AssemblyMetadataError, AssemblyType, readAssemblyTypes, readPeMachine } from './assembly-metadata';

export interface ManagedHandler {
  assembly: string;
  type: string;
  method: string;
}

/** `Assembly::Namespace.Class::Method`, the managed .NET runtime's handler string. */
export function parseManagedHandler(handler: string): ManagedHandler | undefined {
  const parts = handler.split('::');
  if (parts.length !== 3 || parts.some((p) => !p.trim())) return undefined;
  return { assembly: parts[0], type: parts[1], method: parts[2] };
}

const FORM_HINT = 'write the handler as Assembly::Namespace.Class::Method, e.g. "MyFunction::MyFunction.Function::Handler"';

/** Methods a handler can name: no constructors, accessors or compiler-generated names. */
function callable(t: AssemblyType): string[] {
  return [...new Set(t.methods.map((m) => m.name).filter((n) => !n.startsWith('.') && !n.includes('<') && !/^(get|set|add|remove)_/.test(n)))];
}

/**
 * Checks the handler against the final zip: the assembly is at the root, it defines the type,
 * and the type (or a base type in the same assembly) has the method. Reads metadata only.
 */
export async function checkManagedHandler(handler: string, tree: FinalTree, architecture: Architecture): Promise<HandlerCheck> {
  const h = parseManagedHandler(handler);
  if (!h) return { ok: false, problem: 'is not of the form Assembly::Namespace.Class::Method', hint: FORM_HINT };
  const dll = `${h.assembly}.dll`;
  if (!tree.files.has(dll)) {
    const assemblies = [...tree.files].filter((f) => f.endsWith('.dll') && !f.includes('/')).sort();
    return {
      ok: false, problem: `names assembly ${h.assembly}, but ${dll} is not in the zip`,
      details: [`assemblies in the zip: ${assemblies.join(', ') || '(none)'}`],
      hint: 'use the function\'s <AssemblyName> (default: the .csproj file name) as the first part of the handler',
    };
  }
  let types: AssemblyType[];
  let machine: ReturnType<typeof readPeMachine>;
  try {
    const bytes = await tree.zip.read(dll);
    machine = readPeMachine(bytes);
    types = readAssemblyTypes(bytes);
  } catch (err) {
    if (!(err instanceof AssemblyMetadataError)) throw err;
    return { ok: false, problem: `names ${dll}, which is not a readable .NET assembly`, details: [err.message], hint: 'check "include": a file from the project must not replace the compiled assembly' };
  }
  if (machine !== 'any' && machine !== architecture) {
    return { ok: false, problem: `names ${dll}, which is compiled for ${machine}, not ${architecture}`, hint: `set "architecture" to ${machine}, or check "include": a prebuilt assembly must not replace the published one` };
  }
  const byName = new Map(types.map((t) => [t.fullName, t]));
  const type = byName.get(h.type);
  if (!type) {
    const candidates = types.filter((t) => t.namespace && !t.name.includes('<')).map((t) => t.fullName).sort();
    const similar = candidates.filter((n) => n.toLowerCase().endsWith(`.${h.type.split('.').pop()!.toLowerCase()}`));
    return {
      ok: false, problem: `names type ${h.type}, which ${dll} does not define`,
      details: [`types in ${dll}: ${(similar.length ? similar : candidates).slice(0, 15).join(', ') || '(none)'}`],
      hint: 'use the full name of the class (Namespace.Class) as the second part of the handler',
    };
  }
  const chain: AssemblyType[] = [];
  for (let t: AssemblyType | undefined = type; t && !chain.includes(t); t = t.baseType ? byName.get(t.baseType) : undefined) chain.push(t);
  if (!chain.some((t) => t.methods.some((m) => m.name === h.method))) {
    return {
      ok: false, problem: `names method ${h.method}, which ${h.type} does not have`,
      details: [`methods of ${h.type}: ${chain.flatMap(callable).join(', ') || '(none)'}`],
      hint: 'use the name of a method of that class as the third part of the handler',
    };
  }
  return { ok: true, detail: `${dll}: ${h.type}::${h.method}` };
}
