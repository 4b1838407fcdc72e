/** A workspace library bundled into every Node.js function that imports it. */
export function greet(name: string): string {
  return `Hello, ${name}, from nx-lambda!`;
}
