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

/**
 * Signatures Lambda's Java runtime calls: an event handler takes (event) or (event, Context); a
 * stream handler takes (InputStream, OutputStream) or (InputStream, OutputStream, Context).
 */
function isCallableShape(m: ClassMethod): boolean {
  const p = m.parameters;
  if (p.length === 1 || p.length === 2) return true;
  return p.length === 3 && p[0] === STREAM_IN && p[1] === STREAM_OUT;
}

const CONTEXT = 'Lcom/amazonaws/services/lambda/runtime/Context;';
const HANDLER_INTERFACES = ['com.amazonaws.services.lambda.runtime.RequestHandler', 'com.amazonaws.services.lambda.runtime.RequestStreamHandler'];

/**
 * Overloads Lambda's Java runtime actually calls (aws-lambda-java-runtime-interface-client,
 * EventHandlerLoader.getHandlerFromOverload): a second parameter must be Context unless the
 * method takes (InputStream, OutputStream); any other two-parameter method is ignored.
 */
function lambdaCalls(m: ClassMethod): boolean {
  const p = m.parameters;
  if (p.length <= 1) return true;
  if (p.length === 2) {
    if (p[0] === STREAM_IN) return p[1] === STREAM_OUT || p[1] === CONTEXT;
    return p[0] !== CONTEXT && p[1] === CONTEXT;
  }
  return p[0] === STREAM_IN && p[1] === STREAM_OUT && p[2] === CONTEXT;
}

function describe(m: ClassMethod): string {
  return `${m.name}${m.descriptor}${m.accessFlags & ACC_STATIC ? ' (static)' : ''}${m.accessFlags & ACC_PUBLIC ? '' : ' (not public)'}`;
}

/**
 * Reads the handler class (and its superclasses on the class path) statically. A handler that
 * passes but that Lambda's runtime would not call is reported through `warn` (the scaffold and
 * examples of this repository still take `Object context`).
 */
export async function checkJavaHandler(cp: ClassPath, handler: string, warn: (message: string) => void = () => undefined): Promise<HandlerCheck> {
  const name = parseJavaHandler(handler);
  if (!name) {
    return { ok: false, problem: 'is not a Java handler name', hint: 'use "com.example.Handler::handleRequest" or "com.example.Handler" (the method then defaults to handleRequest)' };
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
  const callable = candidates.filter(({ m }) => m.accessFlags & ACC_PUBLIC && !(m.accessFlags & ACC_ABSTRACT) && isCallableShape(m));
  if (!callable.length) {
    const found = candidates.map(({ owner, m }) => `found ${owner}.${describe(m)}`);
    return {
      ok: false,
      problem: candidates.length
        ? `names method ${name.method}, but no public overload of it in ${name.className} takes 1 or 2 parameters (or InputStream, OutputStream[, Context])`
        : `names method ${name.method}, which ${name.className} does not declare or inherit`,
      details: found.length ? found : [`methods of ${name.className}: ${listMethods(chain[0])}`],
      hint: `add "public <Output> ${name.method}(<Input> event, Context context)" to ${name.className}, or point the handler at an existing method`,
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
  if (!callable.some(({ m }) => lambdaCalls(m))) {
    warn(`${chosen.owner}.${describe(chosen.m)} (handler "${handler}"): Lambda's Java runtime ignores a two-parameter handler method whose second parameter is not `
      + 'com.amazonaws.services.lambda.runtime.Context, and the function fails on AWS with "No public method named '
      + `${name.method} with appropriate method signature". Type that parameter as Context (aws-lambda-java-core) or drop it.`);
  }
  if (!handler.includes('::') && !chain.some((c) => c.interfaces.some((i) => HANDLER_INTERFACES.includes(i)))) {
    warn(`handler "${handler}" names only a class, and then Lambda's Java runtime needs ${name.className} to implement RequestHandler or `
      + `RequestStreamHandler (aws-lambda-java-core), which its class files do not show: write "${name.className}::${name.method}" as the handler.`);
  }
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
