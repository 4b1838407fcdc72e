import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../exec';
import { tempDir } from '../../test-support/workspace';
import { ACC_PUBLIC, ACC_STATIC, ClassFileFormatError, parameterTypes, parseClassFile, readClassVersion } from './class-file';
import { requireJavaToolchain } from './test-support/maven-workspace';

const SOURCE = `
package demo;
import java.io.*;
import java.util.Map;
public class Shapes extends java.util.AbstractList<String> {
  public static final long BIG = 1234567890123L;   // a Long constant takes two pool slots
  public static final double PI = 3.14159;         // so does a Double
  private final Runnable r = () -> {};             // invokedynamic, MethodHandle, MethodType
  public String get(int i) { return "x" + i + BIG; } // string concat via indy
  public int size() { return 0; }
  public Object handleRequest(Map<String, Object> event, Object context) { return event; }
  public static void stream(InputStream in, OutputStream out, Object ctx) {}
  void hidden() {}
}
`;

describe('java class-file reader (classes compiled by javac --release 17)', () => {
  let bytes: Buffer;

  beforeAll(async () => {
    requireJavaToolchain();
    const dir = await tempDir('java-classfile', { 'demo/Shapes.java': SOURCE });
    await exec({ where: 'test:javac', command: 'javac', args: ['--release', '17', '-d', 'out', 'demo/Shapes.java'], cwd: dir });
    bytes = await fsp.readFile(path.join(dir, 'out/demo/Shapes.class'));
  });

  it('reads the class-file version: 61 for Java 17', () => {
    expect(readClassVersion(bytes)).toEqual({ major: 61, minor: 0 });
  });

  it('reads the class name and super class through a constant pool with longs, doubles and indy', () => {
    const info = parseClassFile(bytes);
    expect(info.className).toBe('demo.Shapes');
    expect(info.superName).toBe('java.util.AbstractList');
  });

  it('lists methods with access flags and parameter types', () => {
    const methods = parseClassFile(bytes).methods;
    expect(methods.find((m) => m.name === 'handleRequest')).toMatchObject({ parameters: ['Ljava/util/Map;', 'Ljava/lang/Object;'], accessFlags: ACC_PUBLIC });
    expect(methods.find((m) => m.name === 'stream')?.accessFlags).toBe(ACC_PUBLIC | ACC_STATIC);
    expect(methods.find((m) => m.name === 'hidden')?.accessFlags).toBe(0);
  });

  it('rejects bytes that are not a class file, and a truncated one', () => {
    expect(readClassVersion(Buffer.from('PK\x03\x04'))).toBeUndefined();
    expect(() => parseClassFile(Buffer.from('not a class'))).toThrow(ClassFileFormatError);
    expect(() => parseClassFile(bytes.subarray(0, 200))).toThrow(/truncated/);
  });
});

describe('java method descriptors', () => {
  it('splits parameters of every kind: primitives, objects, arrays', () => {
    expect(parameterTypes('(I[JLjava/lang/String;[[Ljava/util/Map;Z)V')).toEqual(['I', '[J', 'Ljava/lang/String;', '[[Ljava/util/Map;', 'Z']);
    expect(parameterTypes('()V')).toEqual([]);
  });
});
