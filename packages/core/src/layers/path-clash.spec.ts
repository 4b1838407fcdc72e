import { describe, expect, it } from 'vitest';
import { layerPathClashes } from './path-clash';

describe('layerPathClashes', () => {
  it('finds a python module the function ships and the layer supplies under python/', () => {
    expect(layerPathClashes('python', ['python/alpha/__init__.py', 'python/beta/__init__.py'], new Set(['app.py', 'alpha/__init__.py'])))
      .toEqual(['alpha/__init__.py (layer: python/alpha/__init__.py)']);
  });

  it('finds a node package in both the function node_modules and the layer nodejs/node_modules', () => {
    expect(layerPathClashes('nodejs/node_modules', ['nodejs/node_modules/ms/index.js'], new Set(['index.js', 'node_modules/ms/index.js'])))
      .toEqual(['node_modules/ms/index.js (layer: nodejs/node_modules/ms/index.js)']);
  });

  it('finds the same jar in the function lib/ and the layer java/lib/', () => {
    expect(layerPathClashes('java/lib', ['java/lib/gson-2.10.jar'], new Set(['lib/gson-2.10.jar']))).toEqual(['lib/gson-2.10.jar (layer: java/lib/gson-2.10.jar)']);
  });

  it('reports nothing when the function and its layers hold different modules', () => {
    expect(layerPathClashes('python', ['python/alpha/__init__.py'], new Set(['app.py', 'beta/__init__.py']))).toEqual([]);
  });
});
