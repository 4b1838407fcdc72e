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

/** Pure: a new options object, the input untouched. */
export function normalizeFunctionOptions(options: FunctionGeneratorOptions): NormalizedFunctionOptions {
  const defaults = FUNCTION_DEFAULTS[options.runtime];
  if (!defaults) {
    throw new Error(`nx-lambda:function - unknown runtime "${options.runtime}".\nUse one of: ${Object.keys(FUNCTION_DEFAULTS).join(', ')}.`);
  }
  const lambdaRuntime = options.lambdaRuntime ?? defaults.lambdaRuntime;
  const runtimes = scaffoldRuntimes(options.runtime);
  if (!runtimes.includes(lambdaRuntime)) {
    throw new Error(`nx-lambda:function - a ${options.runtime} function cannot run on "${lambdaRuntime}".\nUse --lambdaRuntime with one of: ${runtimes.join(', ')} (or leave it out for ${defaults.lambdaRuntime}).`);
  }
  const n = templateNames(options.name);
  const projectRoot = (options.directory ?? `functions/${n.name}`).replace(/\/+$/, '').replace(/^\.\//, '');
  return {
    ...n,
    family: options.runtime,
    projectRoot,
    architecture: options.architecture ?? 'x86_64',
    lambdaRuntime,
    handler: defaults.handler(n),
    tags: (options.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    pwshDistribution: options.pwshDistribution ?? `tools/pwsh/powershell-7.5.4-linux-${(options.architecture ?? 'x86_64') === 'arm64' ? 'arm64' : 'x64'}.tar.gz`,
    skipFormat: options.skipFormat ?? false,
  };
}
