import type { InvokeResult } from './invoke-function';

/**
 * The result as `sam local invoke` prints it: the function's logs between START/END lines, a
 * REPORT line (duration, memory), then the response or the error in Lambda's shape.
 */
export function formatInvocation(result: InvokeResult, memoryMb: number): string {
  const id = result.requestId ?? '-';
  const lines = [`START RequestId: ${id} Version: $LATEST`];
  if (result.logs) lines.push(result.logs.replace(/\n$/, ''));
  lines.push(`END RequestId: ${id}`);
  const init = result.initDurationMs !== undefined ? `\tInit Duration: ${result.initDurationMs} ms` : '';
  lines.push(`REPORT RequestId: ${id}\tDuration: ${result.durationMs} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: ${Math.ceil(result.peakRssKb / 1024)} MB${init}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  const failure = result.initError ?? result.error;
  if (failure) lines.push(`${result.initError ? 'Init error' : 'Error'}:`, JSON.stringify(failure, null, 2));
  else lines.push('Response:', result.rawResponse ?? 'null');
  return lines.join('\n');
}
