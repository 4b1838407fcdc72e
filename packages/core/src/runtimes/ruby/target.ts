import type { Architecture } from '../types';

/** Lambda's Ruby runtimes and the gem ABI folder each puts on GEM_PATH. */
export const RUBY_ABI: Readonly<Record<string, string>> = { 'ruby3.2': '3.2.0', 'ruby3.3': '3.3.0', 'ruby3.4': '3.4.0' };

/** Gem platform CPU of a Lambda architecture. */
export const GEM_CPU: Record<Architecture, string> = { x86_64: 'x86_64', arm64: 'aarch64' };

export interface RubyTarget {
  runtime: string;
  abi: string;
  architecture: Architecture;
}

/** Where Lambda's GEM_PATH looks inside the function zip. */
export function functionGemDir(abi: string): string {
  return `vendor/bundle/ruby/${abi}`;
}

/** Where Lambda's GEM_PATH looks inside a layer (under /opt). */
export function layerGemDir(abi: string): string {
  return `ruby/gems/${abi}`;
}

/** True when a gem platform string (`x86_64-linux`, `aarch64-linux-gnu`) runs on the target. */
export function platformFits(platform: string, architecture: Architecture): boolean {
  const [cpu, os, libc] = platform.split('-');
  return cpu === GEM_CPU[architecture] && os === 'linux' && (libc === undefined || libc === 'gnu');
}
