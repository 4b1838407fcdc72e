import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';

export const PLUGIN_NAME = '@nx-lambda/plugin';

export interface InitGeneratorOptions {
  skipFormat?: boolean;
}

/** Registers the plugin in nx.json (once) and adds nothing else. */
export async function initGenerator(tree: Tree, options: InitGeneratorOptions = {}): Promise<void> {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!registered) {
    nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: { packageTargetName: 'package', deployTargetName: 'deploy', invokeTargetName: 'invoke', layerTargetName: 'layer' } }];
    updateNxJson(tree, nxJson);
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;
