import { describe, expect, it } from 'vitest';
import { parseHandler } from './entry';
import type { Metafile } from 'esbuild';
import { annotatedCommonJsExports, packageDirOfInput, sourcesOutside } from './metafile';

describe('node metafile and handler parsing', () => {
  it('maps bundle inputs to the package folder that holds them', () => {
    expect(packageDirOfInput('node_modules/ms/index.js')).toBe('node_modules/ms');
    expect(packageDirOfInput('node_modules/@scope/pkg/dist/a.js')).toBe('node_modules/@scope/pkg');
    expect(packageDirOfInput('node_modules/a/node_modules/b/x.js')).toBe('node_modules/a/node_modules/b');
    expect(packageDirOfInput('apps/fn/node_modules/c/i.js')).toBe('apps/fn/node_modules/c');
    expect(packageDirOfInput('libs/greeting/src/index.ts')).toBeUndefined();
  });

  it('lists the workspace files a bundle read from outside its project: not packages, virtual modules or files outside the workspace', () => {
    const inputs = ['apps/fn/src/handler.ts', 'apps/fn-other/x.ts', 'shared/util.ts', 'libs/lib/src/index.ts', 'node_modules/ms/index.js',
      'libs/lib/node_modules/y/i.js', '(disabled):fs', '../outside/z.ts'];
    const metafile = { inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1, imports: [] }])), outputs: {} } as unknown as Metafile;
    expect(sourcesOutside(metafile, 'apps/fn')).toEqual(['apps/fn-other/x.ts', 'libs/lib/src/index.ts', 'shared/util.ts']);
    expect(sourcesOutside(metafile, '.')).toEqual([]);
  });

  it('reads the export names esbuild annotates in a CommonJS bundle, minified or not', () => {
    expect(annotatedCommonJsExports('x;\n0 && (module.exports = {\n  handler,\n  other\n});\n')).toEqual(['handler', 'other']);
    expect(annotatedCommonJsExports('var a=1;0&&(module.exports={handler,other});')).toEqual(['handler', 'other']);
    expect(annotatedCommonJsExports('module.exports = require_x();')).toBeUndefined();
  });

  it('splits a handler as Lambda does: module up to the first dot of the file name', () => {
    expect(parseHandler('src/handler.handler')).toEqual({ module: 'src/handler', exportPath: 'handler', exportName: 'handler' });
    expect(parseHandler('src/v1.2/api.routes.get')).toEqual({ module: 'src/v1.2/api', exportPath: 'routes.get', exportName: 'routes' });
    expect(parseHandler('src/handler')).toBeUndefined();
    expect(parseHandler('src/handler.')).toBeUndefined();
  });
});
