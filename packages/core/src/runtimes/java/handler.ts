import type { HandlerCheck } from '../types';
import { ACC_ABSTRACT, ACC_PUBLIC, ACC_STATIC, ClassFileFormatError, ClassFileInfo, ClassMethod, parseClassFile } from './class-file';
import { ClassPath } from './class-path';

export const DEFAULT_HANDLER_METHOD = 'handleRequest';

export interface JavaHandlerName {
  className: string;
  method: string;
}

const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const METHOD_NAME = /^[A-Za-z_$][\w$]*$/;

/** `com.example.Handler::handleRequest`, or `com.example.Handler` (method defaults to handleRequest). */
export function parseJavaHandler(handler: string): JavaHandlerName | undefined {
  const [className, method = DEFAULT_HANDLER_METHOD, ...rest] = handler.split('::');
  if (rest.length || !CLASS_NAME.test(className) || !METHOD_NAME.test(method)) return undefined;
  return { className, method };
}

const STREAM_IN = 'Ljava/io/InputStream;';
const STREAM_OUT = 'Ljava/io/OutputStream;';

const CONTEXT = 'Lcom/amazonaws/services/lambda/runtime/Context;';
const HANDLER_INTERFACES = ['com.amazonaws.services.lambda.runtime.RequestHandler', 'com.amazonaws.services.lambda.runtime.RequestStreamHandler'];

/**
 * Overloads Lambda's Java runtime calls (aws-lambda-java-runtime-interface-client,
 * EventHandlerLoader): an event handler takes (), (event) or (event, Context); a stream handler
 * (InputStream, OutputStream) or (InputStream, OutputStream, Context). A two-parameter method whose
 * second parameter is not Context is ignored, and the function fails on AWS.
 */
function lambdaCalls(m: ClassMethod): boolean {
  const p = m.parameters;
  if (p.length <= 1) return true;
  if (p.length === 2) return p[0] === STREAM_IN ? p[1] === STREAM_OUT || p[1] === CONTEXT : p[0] !== CONTEXT && p[1] === CONTEXT;
  return p.length === 3 && p[0] === STREAM_IN && p[1] === STREAM_OUT && p[2] === CONTEXT;
}

function describe(m: ClassMethod): string {
  return `${m.name}${m.descriptor}${m.accessFlags & ACC_STATIC ? ' (static)' : ''}${m.accessFlags & ACC_PUBLIC ? '' : ' (not public)'}`;
}

/** Reads the handler class (and its superclasses on the class path) statically, as Lambda's Java runtime would load it. */
export async function checkJavaHandler(cp: ClassPath, handler: string): Promise<HandlerCheck> {
  const name = parseJavaHandler(handler);
  if (!name) {
    return { ok: false, problem: 'is not a Java handler name', hint: 'use "com.example.Handler::handleRequest", or "com.example.Handler" for a class that implements RequestHandler (the method is then handleRequest)' };
  }
  const source = cp.find(name.className);
  if (!source) {
    const resource = `${name.className.replace(/\./g, '/')}.class`;
    return {
      ok: false, problem: `names class ${name.className}, which is not in the package`,
      details: [`looked for ${resource} at the zip root and in ${cp.jarNames.length} lib/*.jar`, ...similarClasses(cp, name.className)],
      hint: 'check the package and class name in the handler (and that the class is under src/main/java of this module or a dependency)',
    };
  }
  const chain: ClassFileInfo[] = [];
  let current: typeof source | undefined = source;
  try {
    while (current && chain.length < 20) {
      const info = parseClassFile(await cp.read(current));
      chain.push(info);
      current = info.superName ? cp.find(info.superName) : undefined;
    }
  } catch (err) {
    if (err instanceof ClassFileFormatError) {
      return { ok: false, problem: `names class ${name.className}, but ${current?.where} cannot be read as a class file: ${err.message}`, hint: 'rebuild the function' };
    }
    throw err;
  }
  const candidates = chain.flatMap((c) => c.methods.filter((m) => m.name === name.method).map((m) => ({ owner: c.className, m })));
  const callable = candidates.filter(({ m }) => m.accessFlags & ACC_PUBLIC && !(m.accessFlags & ACC_ABSTRACT) && lambdaCalls(m));
  if (!callable.length) {
    const found = candidates.map(({ owner, m }) => `found ${owner}.${describe(m)}`);
    const contextLess = candidates.some(({ m }) => m.parameters.length === 2 && m.parameters[0] !== STREAM_IN);
    return {
      ok: false,
      problem: candidates.length
        ? `names method ${name.method}, but Lambda's Java runtime calls no overload of it in ${name.className}: it takes (), (event), (event, Context) or (InputStream, OutputStream[, Context])`
          + (contextLess ? '; a second parameter not typed com.amazonaws.services.lambda.runtime.Context is not called' : '')
        : `names method ${name.method}, which ${name.className} does not declare or inherit`,
      details: found.length ? found : [`methods of ${name.className}: ${listMethods(chain[0])}`],
      hint: contextLess
        ? `take the event only, "public <Output> ${name.method}(<Input> event)", or type the second parameter as Context (com.amazonaws:aws-lambda-java-core)`
        : `add "public <Output> ${name.method}(<Input> event)" to ${name.className}, or point the handler at an existing method`,
    };
  }
  if (!handler.includes('::') && !chain.some((c) => c.interfaces.some((i) => HANDLER_INTERFACES.includes(i)))) {
    return {
      ok: false, problem: `names only the class ${name.className}, which implements neither RequestHandler nor RequestStreamHandler: Lambda's Java runtime then refuses it`,
      hint: `write the method too, "${name.className}::${name.method}", or implement RequestHandler (com.amazonaws:aws-lambda-java-core)`,
    };
  }
  const handlerClass = chain[0];
  const isStatic = callable.some(({ m }) => m.accessFlags & ACC_STATIC);
  if (!isStatic) {
    if (handlerClass.accessFlags & ACC_ABSTRACT) {
      return { ok: false, problem: `names ${name.className}, which is abstract or an interface: Lambda cannot create it`, hint: 'point the handler at a concrete class' };
    }
    const ctor = handlerClass.methods.find((m) => m.name === '<init>' && m.descriptor === '()V' && m.accessFlags & ACC_PUBLIC);
    if (!ctor) {
      return {
        ok: false, problem: `names ${name.className}, which has no public no-argument constructor for Lambda to create it with`,
        hint: `add "public ${name.className.split('.').pop()}() {}" or make ${name.method} static`,
      };
    }
  }
  const chosen = callable[0];
  return { ok: true, detail: `${chosen.owner}.${describe(chosen.m)} in ${source.where}` };
}

function listMethods(info: ClassFileInfo): string {
  const names = [...new Set(info.methods.map((m) => m.name).filter((n) => !n.startsWith('<')))];
  return names.length ? names.join(', ') : '(none)';
}

/** Classes with the same simple name elsewhere: the usual cause is a package typo. */
function similarClasses(cp: ClassPath, className: string): string[] {
  const simple = `/${className.split('.').pop()}.class`;
  const hits: string[] = [];
  for (const c of cp.classes()) {
    if (`/${c.resource}`.endsWith(simple)) hits.push(`found a class with that simple name: ${c.where}`);
    if (hits.length >= 3) break;
  }
  return hits;
}
