import type { RuntimeFamily } from '@nx-lambda/core';
import { FUNCTION_DEFAULTS, templateNames, type TemplateNames } from '../../function/lib/normalize-options';

export interface LibraryGeneratorOptions {
  name: string;
  runtime: RuntimeFamily;
  directory?: string;
  /** Comma-separated function projects to wire to the library. */
  functions?: string;
  /** node: the tsconfig path alias (default @<npm scope>/<name>). */
  importPath?: string;
  /** java: folder of the Maven aggregator that builds functions and the library together. */
  javaParent?: string;
  tags?: string;
  skipFormat?: boolean;
}

/** Every option name of the generator (schema.json's properties; a spec keeps them equal). */
export const LIBRARY_OPTION_KEYS = ['name', 'runtime', 'directory', 'functions', 'importPath', 'javaParent', 'tags', 'skipFormat'] as const satisfies readonly (keyof LibraryGeneratorOptions)[];

export interface NormalizedLibraryOptions extends TemplateNames {
  family: RuntimeFamily;
  projectRoot: string;
  functions: string[];
  /** node: alias in tsconfig.base.json `paths`. */
  importPath: string;
  /** go: module path; the package name is goPackage. */
  goModule: string;
  goPackage: string;
  /** java: explicit aggregator folder, if given. */
  javaParent?: string;
  tags: string[];
  skipFormat: boolean;
}

/** The npm scope Nx itself uses for import paths: the root package.json name's scope, else the name. */
export function npmScopeOf(rootPackageName: string | undefined): string | undefined {
  if (!rootPackageName) return undefined;
  return rootPackageName.startsWith('@') ? rootPackageName.slice(1).split('/')[0] : rootPackageName;
}

function cleanFolder(dir: string): string {
  return dir.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
}

/** Pure: a new options object, the input untouched. `rootPackageName` is the workspace package.json name. */
export function normalizeLibraryOptions(options: LibraryGeneratorOptions, rootPackageName?: string): NormalizedLibraryOptions {
  if (!FUNCTION_DEFAULTS[options.runtime]) {
    throw new Error(`nx-lambda:library - unknown runtime "${options.runtime}".\nUse one of: ${Object.keys(FUNCTION_DEFAULTS).join(', ')}.`);
  }
  const n = templateNames(options.name);
  const scope = npmScopeOf(rootPackageName);
  const projectRoot = cleanFolder(options.directory ?? `libs/${n.name}`);
  if (projectRoot.split('/').includes('..') || projectRoot.startsWith('/')) {
    throw new Error(`nx-lambda:library - directory "${options.directory}" leaves the workspace.\nGive a folder relative to the workspace root, e.g. libs/${n.name}.`);
  }
  const javaParent = options.javaParent?.trim() ? cleanFolder(options.javaParent.trim()) : undefined;
  if (javaParent && options.runtime !== 'java') {
    throw new Error(`nx-lambda:library - "javaParent" is set for a ${options.runtime} library.\nRemove it: only Java libraries are built through a Maven aggregator.`);
  }
  if (options.importPath && options.runtime !== 'node') {
    throw new Error(`nx-lambda:library - "importPath" is set for a ${options.runtime} library.\nRemove it: only Node.js libraries are imported through a tsconfig path alias.`);
  }
  return {
    ...n,
    family: options.runtime,
    projectRoot,
    functions: [...new Set((options.functions ?? '').split(',').map((f) => f.trim()).filter(Boolean))],
    importPath: options.importPath?.trim() || (scope ? `@${scope}/${n.name}` : n.name),
    goModule: `example.com/${n.name}`,
    goPackage: n.name.replace(/-/g, '').toLowerCase(),
    ...(javaParent ? { javaParent } : {}),
    tags: (options.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    skipFormat: options.skipFormat ?? false,
  };
}
