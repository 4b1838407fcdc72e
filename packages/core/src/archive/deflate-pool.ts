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

/** Batches queued on one worker before the calling thread takes the next one itself. */
const WORKER_QUEUE = 2;

interface PoolWorker {
  worker: Worker;
  outstanding: number;
}

/**
 * Reads and deflates batches of files on worker threads and on the calling thread (only there
 * when `threads` is 0). Which thread handles a batch never changes its bytes: every thread runs
 * the same deflateRawSync at the same level.
 */
export class DeflatePool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, { resolve: (d: DeflatedBatch) => void; reject: (e: unknown) => void }>();
  private nextId = 0;
  private failure: unknown;

  constructor(readonly threads: number, private readonly level: number) {
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

  /** True when some worker has fewer than WORKER_QUEUE batches queued. */
  hasFreeWorker(): boolean {
    return this.workers.some((w) => w.outstanding < WORKER_QUEUE);
  }

  /** Deflates a batch on the calling thread; it is done when this returns. */
  runHere(files: readonly DeflateFile[]): DeflatedBatch {
    return settle(workerModule.deflateFiles(files, this.level));
  }

  /** Queues a batch on the least busy worker. */
  run(files: readonly DeflateFile[]): Promise<DeflatedBatch> {
    if (this.failure) return Promise.reject(this.failure);
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

interface Slot {
  promise: Promise<DeflatedBatch>;
  result?: DeflatedBatch;
  failed?: boolean;
}

/**
 * Runs a zip's batches in order, at most `windowBytes` of input ahead of the batch being written
 * (at least one batch). Workers are kept fed; when the writer needs a batch that is not ready,
 * the calling thread deflates the next unstarted batch itself instead of waiting, so with one
 * worker both cores of a two-core machine deflate.
 */
export class BatchRunner {
  private readonly started: Slot[] = [];
  private ahead = 0;

  constructor(
    private readonly pool: DeflatePool,
    private readonly sizes: readonly number[],
    private readonly filesOf: (batch: number) => DeflateFile[],
    private readonly windowBytes: number,
  ) {}

  private canStart(): boolean {
    return this.started.length < this.sizes.length && (this.ahead < this.windowBytes || this.ahead === 0);
  }

  private start(onWorker: boolean): void {
    const b = this.started.length;
    const files = this.filesOf(b);
    let slot: Slot;
    if (onWorker) {
      slot = { promise: this.pool.run(files) };
      slot.promise.then((r) => (slot.result = r), () => (slot.failed = true));
    } else {
      try {
        const result = this.pool.runHere(files);
        slot = { promise: Promise.resolve(result), result };
      } catch (err) {
        slot = { promise: Promise.reject(err), failed: true };
        slot.promise.catch(() => undefined); // rethrown in order by take(); not unhandled meanwhile
      }
    }
    this.started.push(slot);
    this.ahead += this.sizes[b];
  }

  /** Gives every worker with room another batch, within the window. */
  feedWorkers(): void {
    while (this.canStart() && this.pool.hasFreeWorker()) this.start(true);
  }

  /** The deflated batch `b`; batches must be taken in order. Throws its read or size failure. */
  async take(b: number): Promise<DeflatedBatch> {
    for (;;) {
      this.feedWorkers();
      const slot = this.started[b];
      if (slot?.result || slot?.failed) break;
      if (this.canStart()) {
        this.start(false);
        // Let finished workers' messages in before deciding again.
        if (this.pool.threads) await new Promise((r) => setImmediate(r));
        continue;
      }
      await slot.promise.catch(() => undefined);
    }
    const slot = this.started[b];
    delete this.started[b]; // written batches must not stay reachable
    this.ahead -= this.sizes[b];
    return slot.promise;
  }
}
