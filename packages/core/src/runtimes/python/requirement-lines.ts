// How pip reads a requirements file's lines, without I/O: core's reader and the graph (which must
// not load the engine) both read requirements files through it.

/** The logical lines of a requirements file: `\` continuations joined, comments and blank lines dropped. */
export function requirementLines(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
}

/** A line's first word, its option (`--index-url=x` gives `--index-url`) and the option's value. */
export function requirementOption(line: string): { first: string; opt: string; value: string } {
  const [first, ...restWords] = line.split(/\s+/);
  const eq = first.indexOf('=');
  const long = first.startsWith('--') && eq > 0;
  return { first, opt: long ? first.slice(0, eq) : first, value: long ? first.slice(eq + 1) : restWords.join(' ') };
}
