export { createNodes, createNodesV2, type NxLambdaPluginOptions } from './graph/create-nodes';
export { createDependencies } from './graph/create-dependencies';
