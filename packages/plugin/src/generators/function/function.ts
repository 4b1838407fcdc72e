import * as path from 'node:path';
import { formatFiles, generateFiles, logger, type Tree } from '@nx/devkit';
import { initGenerator, pluginOptionsIn } from '../init/init';
import { assertProjectNameFree } from '../project-names';
import { FunctionGeneratorOptions, normalizeFunctionOptions } from './lib/normalize-options';

/** Templates stay in src (shipped in the npm package); the same path from src and dist. */
const TEMPLATES = path.join(__dirname, '..', '..', '..', 'src', 'generators', 'function', 'files');

/**
 * Scaffolds a function in its language's own idiom: source with a handler that returns a
 * response, a sample event, and `lambda.json`, which gives it package, deploy and invoke targets.
 */
export async function functionGenerator(tree: Tree, options: FunctionGeneratorOptions): Promise<void> {
  const o = normalizeFunctionOptions(options);
  if (tree.exists(o.projectRoot) && tree.children(o.projectRoot).length > 0) {
    throw new Error(`nx-lambda:function - ${o.projectRoot} already exists and is not empty.\nChoose another name or --directory; the generator never overwrites a project.`);
  }
  assertProjectNameFree(tree, o.name, 'function');
  if (o.family === 'powershell') {
    const layer = powerShellRuntimeLayer(o.architecture);
    if (!tree.exists(path.posix.join(layer.root, 'project.json'))) {
      assertProjectNameFree(tree, layer.name, 'function', `it names the PowerShell runtime layer this function needs (${layer.root})`);
    }
  }
  await initGenerator(tree, { skipFormat: true });
  const offset = o.projectRoot.split('/').map(() => '..').join('/');
  // A workspace's TypeScript path aliases live in tsconfig.base.json, and the node executor
  // resolves imports through the function's own tsconfig: it extends the base, or no alias resolves.
  const tsconfigBase = tree.exists('tsconfig.base.json');
  generateFiles(tree, path.join(TEMPLATES, o.family), o.projectRoot, { ...o, offsetFromRoot: offset, tsconfigBase, tmpl: '' });
  const runtimeLayer = o.family === 'powershell' ? ensurePowerShellRuntimeLayer(tree, o.pwshDistribution, o.architecture, pluginOptionsIn(tree).layerTargetName) : undefined;
  const marker = {
    runtime: o.lambdaRuntime, handler: o.handler,
    ...(o.family === 'powershell' ? { family: 'powershell' } : {}),
    ...(o.architecture !== 'x86_64' ? { architecture: o.architecture } : {}),
    ...(runtimeLayer ? { layers: [runtimeLayer] } : {}),
  };
  tree.write(path.posix.join(o.projectRoot, 'lambda.json'), `${JSON.stringify(marker, null, 2)}\n`);
  tree.write(path.posix.join(o.projectRoot, 'project.json'), `${JSON.stringify({ name: o.name, $schema: `${offset}/node_modules/nx/schemas/project-schema.json`, projectType: 'application', tags: o.tags }, null, 2)}\n`);
  tree.write(path.posix.join(o.projectRoot, 'events', 'sample.json'), `${JSON.stringify({ name: 'world' }, null, 2)}\n`);
  if (!o.skipFormat) await formatFiles(tree);
}

/**
 * PowerShell runs on a custom runtime shipped as a layer (bootstrap, runtime loop, pwsh): one
 * runtime layer project per architecture, created on first use, named in each function's layers.
 */
function powerShellRuntimeLayer(architecture: string): { name: string; root: string } {
  const name = architecture === 'arm64' ? 'powershell-runtime-arm64' : 'powershell-runtime';
  return { name, root: `layers/${name}` };
}

/** The release as an Nx input: an archive is one file; an unpacked release is every file in its folder (a folder path alone matches none). */
function distributionInput(pwshDistribution: string): string {
  const rel = pwshDistribution.replace(/\/+$/, '');
  return /\.(tar\.gz|tgz|zip)$/.test(rel) ? `{workspaceRoot}/${rel}` : `{workspaceRoot}/${rel}/**/*`;
}

function ensurePowerShellRuntimeLayer(tree: Tree, pwshDistribution: string, architecture: string, targetName: string): string {
  const { name, root } = powerShellRuntimeLayer(architecture);
  if (!tree.exists(path.posix.join(root, 'project.json'))) {
    const project = {
      name, $schema: '../../node_modules/nx/schemas/project-schema.json', projectType: 'library', tags: ['lambda-layer'],
      // Named as the plugin's layerTargetName: the functions' package targets depend on `^<that name>`.
      targets: {
        [targetName]: {
          executor: '@nx-lambda/plugin:powershell', cache: true,
          inputs: [distributionInput(pwshDistribution)], outputs: ['{workspaceRoot}/dist/{projectRoot}'],
          options: { runtimeLayer: true, runtime: 'provided.al2023', handler: 'bootstrap', architecture, pwshDistribution },
        },
      },
    };
    tree.write(path.posix.join(root, 'project.json'), `${JSON.stringify(project, null, 2)}\n`);
    if (!tree.exists(pwshDistribution)) {
      logger.warn(`nx-lambda: ${root} builds the PowerShell runtime layer from ${pwshDistribution}, which is not there yet. Download the PowerShell release for Linux ${architecture === 'arm64' ? 'arm64' : 'x64'} (a .tar.gz from github.com/PowerShell/PowerShell/releases) to that path, or pass --pwshDistribution=<folder or .tar.gz>.`);
    }
  }
  return name;
}

export default functionGenerator;
