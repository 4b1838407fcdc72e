import * as path from 'node:path';
import { names } from '@nx/devkit';
import { strategyFor, type RuntimeFamily } from '@nx-lambda/core';

export interface FunctionGeneratorOptions {
  name: string;
  runtime: RuntimeFamily;
  directory?: string;
  architecture?: 'x86_64' | 'arm64';
  lambdaRuntime?: string;
  tags?: string;
  /** PowerShell: the PowerShell release for Lambda's architecture (folder or .tar.gz), relative to the workspace root. */
  pwshDistribution?: string;
  skipFormat?: boolean;
}

/** The Lambda runtime and handler string each language starts with. */
export const FUNCTION_DEFAULTS: Record<RuntimeFamily, { lambdaRuntime: string; handler: (n: TemplateNames) => string }> = {
  node: { lambdaRuntime: 'nodejs22.x', handler: () => 'src/handler.handler' },
  python: { lambdaRuntime: 'python3.12', handler: () => 'app.handler' },
  ruby: { lambdaRuntime: 'ruby3.3', handler: () => 'app.handler' },
  java: { lambdaRuntime: 'java21', handler: (n) => `${n.javaPackage}.Handler::handleRequest` },
  go: { lambdaRuntime: 'provided.al2023', handler: () => 'bootstrap' },
  dotnet: { lambdaRuntime: 'dotnet8', handler: (n) => `${n.className}::${n.className}.Function::Handler` },
  powershell: { lambdaRuntime: 'provided.al2023', handler: () => 'handler.ps1::Invoke-Handler' },
};

/**
 * Lambda runtimes a scaffolded function of the family can use: those its executor builds, except
 * the custom runtime for C#, whose template is a managed function (Native AOT needs another project).
 */
export function scaffoldRuntimes(family: RuntimeFamily): string[] {
  const all = [...strategyFor(family).lambdaRuntimes];
  return family === 'dotnet' ? all.filter((r) => !r.startsWith('provided')) : all;
}

export interface TemplateNames {
  /** Project and folder name, kebab-case. */
  name: string;
  /** PascalCase: C# assembly and namespace, Java class prefix, PowerShell module. */
  className: string;
  /** snake_case: Python package and Ruby file names. */
  snakeName: string;
  /** Java package: com.example.<name without dashes>. */
  javaPackage: string;
  /** The Java package as a folder path. */
  javaPath: string;
}

export interface NormalizedFunctionOptions extends TemplateNames {
  family: RuntimeFamily;
  projectRoot: string;
  architecture: 'x86_64' | 'arm64';
  lambdaRuntime: string;
  handler: string;
  tags: string[];
  pwshDistribution: string;
  skipFormat: boolean;
}

export function templateNames(rawName: string): TemplateNames {
  const n = names(rawName);
  return {
    name: n.fileName,
    className: n.className,
    snakeName: n.fileName.replace(/-/g, '_'),
    javaPackage: `com.example.${n.fileName.replace(/-/g, '').toLowerCase()}`,
    javaPath: `com/example/${n.fileName.replace(/-/g, '').toLowerCase()}`,
  };
}

/** Reserved words of Java: not usable as a package name segment. */
const JAVA_KEYWORDS = new Set([
  'abstract', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue', 'default', 'do', 'double',
  'else', 'enum', 'extends', 'false', 'final', 'finally', 'float', 'for', 'goto', 'if', 'implements', 'import', 'instanceof', 'int',
  'interface', 'long', 'native', 'new', 'null', 'package', 'private', 'protected', 'public', 'return', 'short', 'static', 'strictfp',
  'super', 'switch', 'synchronized', 'this', 'throw', 'throws', 'transient', 'true', 'try', 'void', 'volatile', 'while', '_',
]);

/** Pure: a new options object, the input untouched. */
export function normalizeFunctionOptions(options: FunctionGeneratorOptions): NormalizedFunctionOptions {
  const defaults = FUNCTION_DEFAULTS[options.runtime];
  if (!defaults) {
    throw new Error(`nx-lambda:function - unknown runtime "${options.runtime}".\nUse one of: ${Object.keys(FUNCTION_DEFAULTS).join(', ')}.`);
  }
  const lambdaRuntime = options.lambdaRuntime ?? defaults.lambdaRuntime;
  const runtimes = scaffoldRuntimes(options.runtime);
  if (!runtimes.includes(lambdaRuntime)) {
    const aot = options.runtime === 'dotnet' && lambdaRuntime.startsWith('provided')
      ? `\nThe template is a managed class library. Native AOT on ${lambdaRuntime} needs a program (<OutputType>Exe</OutputType>) whose Main runs the Lambda runtime loop (Amazon.Lambda.RuntimeSupport); write one and set "runtime": "${lambdaRuntime}", "nativeAot": true in its lambda.json.`
      : '';
    throw new Error(`nx-lambda:function - a ${options.runtime} function cannot run on "${lambdaRuntime}".\nUse --lambdaRuntime with one of: ${runtimes.join(', ')} (or leave it out for ${defaults.lambdaRuntime}).${aot}`);
  }
  const n = templateNames(options.name);
  const javaSegment = n.javaPackage.slice('com.example.'.length);
  if (options.runtime === 'java' && JAVA_KEYWORDS.has(javaSegment)) {
    throw new Error(`nx-lambda:function - the name "${options.name}" makes the Java package ${n.javaPackage}, and "${javaSegment}" is a Java keyword.\nChoose another name (e.g. ${javaSegment}-fn).`);
  }
  const projectRoot = path.posix.normalize((options.directory ?? `functions/${n.name}`).replace(/\\/g, '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  if (path.posix.isAbsolute(projectRoot) || projectRoot === '..' || projectRoot.startsWith('../') || projectRoot === '.' || projectRoot === '') {
    throw new Error(`nx-lambda:function - --directory "${options.directory}" is not a folder inside the workspace.\nGive a path relative to the workspace root, e.g. functions/${n.name} or services/orders/${n.name}.`);
  }
  return {
    ...n,
    family: options.runtime,
    projectRoot,
    architecture: options.architecture ?? 'x86_64',
    lambdaRuntime,
    handler: defaults.handler(n),
    tags: (options.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    // Inside the runtime layer project by default: Nx then hashes it and `nx affected` sees a new release.
    pwshDistribution: options.pwshDistribution ?? `layers/powershell-runtime${(options.architecture ?? 'x86_64') === 'arm64' ? '-arm64' : ''}/powershell-7.5.4-linux-${(options.architecture ?? 'x86_64') === 'arm64' ? 'arm64' : 'x64'}.tar.gz`,
    skipFormat: options.skipFormat ?? false,
  };
}
