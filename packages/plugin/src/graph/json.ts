import { parseJson } from 'nx/src/utils/json';

/**
 * JSON as Nx reads project.json and nx.json: comments and trailing commas allowed, and a syntax
 * error says line and column with the lines around it. (Nx's own parser, already loaded in every
 * Nx process; @nx/devkit, which re-exports it, is not loaded by the graph code.)
 */
export function parseJsonText(text: string): unknown {
  return parseJson(text);
}
