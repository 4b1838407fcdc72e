import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LambdaPackageError } from '../errors';

/** One small file to read and deflate. */
export interface DeflateFile {
  path: string;
  size: number;
}

export interface Deflated {
  crc: number;
  method: number;
  payload: Buffer;
}

interface WorkerFailure {
  path: string;
  kind: 'read' | 'size';
  message: string;
}

/** A batch's payloads packed in one buffer; see deflateFiles in deflate-worker.cjs for `meta`. */
interface BatchOutput {
  meta?: Uint32Array;
  data?: Uint8Array;
  error?: WorkerFailure;
}

/** The deflated files of one batch, in the order they were given. */
export class DeflatedBatch {
  constructor(private readonly meta: Uint32Array, private readonly data: Buffer) {}
  crc(i: number): number {
    return this.meta[3 * i];
  }
  method(i: number): number {
    return this.meta[3 * i + 1];
  }
  payload(i: number): Buffer {
    return this.data.subarray(i ? this.meta[3 * i - 1] : 0, this.meta[3 * i + 2]);
  }
}

interface WorkerModule {
  deflateBuffer(data: Buffer, level: number): Deflated;
  deflateFiles(files: readonly DeflateFile[], level: number): BatchOutput;
}

const WORKER_FILE = path.join(__dirname, 'deflate-worker.cjs');
const workerModule = createRequire(__filename)(WORKER_FILE) as WorkerModule;

/** Deflates in-memory data on the calling thread, exactly as the workers do. */
export function deflateBuffer(data: Buffer, level: number): Deflated {
  return workerModule.deflateBuffer(data, level);
}

function toError(f: WorkerFailure): LambdaPackageError {
  if (f.kind === 'size') {
    return new LambdaPackageError('archive', `${f.path} changed size while it was being zipped`, [f.message], 'do not modify the staged files during packaging');
  }
  return new LambdaPackageError('archive', `cannot read ${f.path}`, [f.message], 'check that the staged file exists and is readable');
}

function settle(out: BatchOutput): DeflatedBatch {
  if (out.error) throw toError(out.error);
  // The buffer arrives from a worker as a plain Uint8Array; view it as a Buffer without copying.
  return new DeflatedBatch(out.meta!, Buffer.from(out.data!.buffer, out.data!.byteOffset, out.data!.byteLength));
}

interface PoolWorker {
  worker: Worker;
  outstanding: number;
}

/**
 * Reads and deflates batches of files on worker threads (or on the calling thread when `threads`
 * is 0). Which thread handles a batch never changes its bytes: every thread runs the same
 * deflateRawSync at the same level.
 */
export class DeflatePool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, { resolve: (d: DeflatedBatch) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private failure: unknown;

  constructor(threads: number, private readonly level: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_FILE, { workerData: { nxLambdaDeflateWorker: true } });
      const pw: PoolWorker = { worker, outstanding: 0 };
      worker.on('message', (msg: BatchOutput & { id: number }) => {
        const w = this.waiting.get(msg.id);
        if (!w) return;
        this.waiting.delete(msg.id);
        pw.outstanding--;
        try {
          w.resolve(settle(msg));
        } catch (err) {
          w.reject(err);
        }
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (this.waiting.size) this.fail(new Error(`deflate worker exited with code ${code}`));
      });
      this.workers.push(pw);
    }
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  run(files: readonly DeflateFile[]): Promise<DeflatedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.workers.length) {
      try {
        return Promise.resolve(settle(workerModule.deflateFiles(files, this.level)));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    let pw = this.workers[0];
    for (const w of this.workers) if (w.outstanding < pw.outstanding) pw = w;
    const id = this.nextId++;
    pw.outstanding++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      pw.worker.postMessage({ id, files, level: this.level });
    });
  }

  async close(): Promise<void> {
    this.waiting.clear();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
