export { invokeFunction } from './invoke-function';
export type { InvokeRequest, InvokeResult } from './invoke-function';
export { RuntimeApiServer } from './runtime-api-server';
export type { LambdaErrorShape, RuntimeApiOutcome } from './runtime-api-server';
export { defaultInvokeCacheDir } from './compiled-hosts';
export { foreignNativeFiles, hostMachine } from './sandbox';
export { formatInvocation } from './report';
