// What a Node.js handler names, without I/O: the entry and the graph (which must not load the engine) read it.

/** Source extensions tried for a Node.js handler's module, in this order. */
export const NODE_ENTRY_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

export interface ParsedHandler {
  /** Module path without extension, relative to the project root: `src/handler`. */
  module: string;
  /** What follows the module: `handler`, or `api.get` for a nested property. */
  exportPath: string;
  /** First segment of exportPath: the name the bundle must export. */
  exportName: string;
}

/**
 * Splits a handler the way Lambda's Node.js runtime does: the module is everything up to the
 * first dot after the last `/`; the rest is the (possibly nested) export.
 */
export function parseHandler(handler: string): ParsedHandler | undefined {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) return undefined;
  const exportPath = handler.slice(dot + 1);
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(exportPath)) return undefined;
  return { module: handler.slice(0, dot), exportPath, exportName: exportPath.split('.')[0] };
}
