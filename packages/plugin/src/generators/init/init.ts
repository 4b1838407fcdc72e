import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { normalizePluginOptions, type NormalizedPluginOptions, type NxLambdaPluginOptions } from '../../graph/create-nodes';

export const PLUGIN_NAME = '@nx-lambda/plugin';

/** An nx.json `plugins` entry that is this plugin (a bare name or `{ plugin, options }`). */
const isThisPlugin = (p: string | { plugin: string }) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME;

export interface InitGeneratorOptions {
  skipFormat?: boolean;
}

/** Registers the plugin in nx.json (once) and adds nothing else. */
export async function initGenerator(tree: Tree, options: InitGeneratorOptions = {}): Promise<void> {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some(isThisPlugin);
  if (!registered) {
    nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: { packageTargetName: 'package', deployTargetName: 'deploy', invokeTargetName: 'invoke', layerTargetName: 'layer' } }];
  }
  // Node.js functions import workspace libraries through TypeScript path aliases; Nx sees those
  // imports only when it analyses source files, which npm-workspace setups turn off by default.
  const js = (nxJson.pluginsConfig?.['@nx/js'] ?? {}) as Record<string, unknown>;
  if (js.analyzeSourceFiles === undefined) nxJson.pluginsConfig = { ...nxJson.pluginsConfig, '@nx/js': { ...js, analyzeSourceFiles: true } };
  if (!registered || js.analyzeSourceFiles === undefined) updateNxJson(tree, nxJson);
  if (!options.skipFormat) await formatFiles(tree);
}

/** The plugin's options as nx.json holds them (after init), normalised: the target names in use. */
export function pluginOptionsIn(tree: Tree): NormalizedPluginOptions {
  const entry = (readNxJson(tree)?.plugins ?? []).find(isThisPlugin);
  return normalizePluginOptions(typeof entry === 'object' ? (entry.options as NxLambdaPluginOptions | undefined) : undefined);
}

export default initGenerator;
