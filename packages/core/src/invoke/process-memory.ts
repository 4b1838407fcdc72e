import { readdirSync, readFileSync } from 'node:fs';

/** `VmHWM` (peak resident set, kB) of one process from /proc, 0 when it is gone or not Linux. */
function peakRssKbOf(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return kids;
  }
  for (const e of entries) {
    try {
      // The comm field may hold spaces and parentheses: the ppid comes after its last ')'.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(e));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

/**
 * Peak resident memory of a process and its descendants (a shell `bootstrap` that starts pwsh
 * counts both), summed. Lambda's "Max Memory Used" is the sandbox's peak; this is the closest
 * a plain process tree gets.
 */
export function peakRssKbOfTree(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    total += peakRssKbOf(p);
    stack.push(...childrenOf(p));
  }
  return total;
}
