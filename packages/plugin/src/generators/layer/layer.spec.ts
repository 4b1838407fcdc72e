import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { layerGenerator } from './layer';

describe('layer generator: the Lambda runtime of the layer', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes the runtime given for the language, on the architecture given', async () => {
    await layerGenerator(tree, { name: 'py313', runtime: 'python', lambdaRuntime: 'python3.13', architecture: 'arm64', skipFormat: true });
    expect(readJson(tree, 'layers/py313/lambda-layer.json')).toEqual({ family: 'python', runtime: 'python3.13', architecture: 'arm64' });
  });

  it('refuses a runtime of another language, saying which to pass, and writes nothing', async () => {
    await expect(layerGenerator(tree, { name: 'shared-py', runtime: 'python', lambdaRuntime: 'nodejs22.x', skipFormat: true })).rejects.toThrow(
      'nx-lambda:layer - --lambdaRuntime "nodejs22.x" for a python layer; a python layer is built for a python runtime, e.g. "python3.12".\n'
      + 'Pass the Lambda runtime of the functions it serves, or leave --lambdaRuntime out for python3.12.');
    expect(tree.exists('layers/shared-py')).toBe(false);
  });
});
