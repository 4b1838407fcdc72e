import { describe, expect, it } from 'vitest';
import { parseHandler } from './entry';
import { annotatedCommonJsExports, packageDirOfInput } from './metafile';

describe('node metafile and handler parsing', () => {
  it('maps bundle inputs to the package folder that holds them', () => {
    expect(packageDirOfInput('node_modules/ms/index.js')).toBe('node_modules/ms');
    expect(packageDirOfInput('node_modules/@scope/pkg/dist/a.js')).toBe('node_modules/@scope/pkg');
    expect(packageDirOfInput('node_modules/a/node_modules/b/x.js')).toBe('node_modules/a/node_modules/b');
    expect(packageDirOfInput('apps/fn/node_modules/c/i.js')).toBe('apps/fn/node_modules/c');
    expect(packageDirOfInput('libs/greeting/src/index.ts')).toBeUndefined();
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
