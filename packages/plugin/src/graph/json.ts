/** A JSON object (not null, not an array): what lambda.json, a schema's "object" and the deploy settings maps are. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON as Nx reads project.json and nx.json: comments and trailing commas allowed, and a syntax
 * error says line and column with the lines around it. Plain JSON goes through JSON.parse; Nx's
 * own parser (jsonc) is loaded only for text JSON.parse refuses, which keeps it off the plugin
 * worker's start-up on every Nx command. (@nx/devkit, which re-exports it, is not loaded by the graph code.)
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseJson } = require('nx/src/utils/json') as typeof import('nx/src/utils/json');
    return parseJson(text);
  }
}
