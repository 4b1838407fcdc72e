import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { failOnKnownError } from './known-failure';
import { loadLayerAssignments } from './layer-assignments';

const context = {
  root: '/ws', cwd: '/ws', isVerbose: false, projectName: 'fn',
  projectsConfigurations: {
    version: 2,
    projects: {
      fn: { root: 'apps/fn' },
      'node-shared': { root: 'layers/node-shared', targets: { layer: { executor: '@nx-lambda/plugin:layer' } } },
      'ps-runtime': { root: 'layers/ps-runtime', targets: { layer: { executor: '@nx-lambda/plugin:powershell', options: { runtimeLayer: true } } } },
    },
  },
} as unknown as ExecutorContext;
const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };

describe('loadLayerAssignments: a name in "layers" that is no layer project', () => {
  it('names the layer projects there are (and where an ARN goes), as a failure of the task without a stack', async () => {
    await expect(loadLayerAssignments(loc, ['node-sharde'], context)).rejects.toThrow(
      'fn:package - "layers" names node-sharde, which is not a layer project (layer projects here: node-shared, ps-runtime).');
    await expect(loadLayerAssignments(loc, ['arn:aws:lambda:us-east-1:123456789012:layer:x:1'], context)).rejects.toThrow(/ARN goes in the deploy options' "layerArns"/);
    const printed: string[] = [];
    const result = await failOnKnownError(() => loadLayerAssignments(loc, ['node-sharde'], context).then(() => ({ success: true })), (m) => printed.push(m));
    expect(result).toEqual({ success: false });
    expect(printed[0]).toMatch(/^fn:package - "layers" names node-sharde/);
  });

  it('still throws what is not one of our messages (a bug keeps its stack)', async () => {
    await expect(failOnKnownError(async () => { throw new TypeError('x is undefined'); })).rejects.toThrow(TypeError);
  });
});
