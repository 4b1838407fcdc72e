import type { ExecutorContext } from '@nx/devkit';

export interface InvalidConfigExecutorOptions {
  /** What createNodes found wrong with the marker file, naming it and what to write. */
  message: string;
}

/**
 * `@nx-lambda/plugin:invalid-config`: what every target of a project whose lambda.json or
 * lambda-layer.json is invalid runs (graph/invalid-marker.ts). The graph keeps the project rather
 * than failing every Nx command; running one of its targets fails here, loudly.
 */
export default async function invalidConfigExecutor(options: InvalidConfigExecutorOptions, _context: ExecutorContext): Promise<{ success: boolean }> {
  console.error(options.message);
  return { success: false };
}
