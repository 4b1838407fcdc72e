// Types of the loopback Lambda API for TypeScript tests.
export declare const WRITE_OPERATIONS: readonly string[];

export interface Faults {
  seed?: number;
  throttle?: number;
  serverError?: number;
  drop?: number;
  lostResponse?: number;
  latency?: number;
  latencyMs?: number;
  s3?: boolean;
}

export interface LambdaApiOptions {
  port?: number;
  region?: string;
  updateDelayMs?: number;
  buckets?: string[];
  faults?: Faults;
}

export interface LambdaApi {
  endpoint: string;
  port: number;
  region: string;
  /** In-memory state (functions, versions, aliases, live layer versions, s3) for assertions. */
  state: {
    functions: Map<string, { config: Record<string, any>; versions: Record<string, any>[]; aliases: Map<string, Record<string, any>>; tags: Record<string, string> }>;
    layers: Map<string, Record<string, any>[]>;
    s3: { buckets: Map<string, Map<string, Buffer>>; get(bucket: string, key: string): Buffer | undefined };
    /** Deprecated runtimes Lambda no longer creates or updates functions on (new code refused; the runtime change allowed). */
    blockedRuntimes: Set<string>;
    /** How long a create or update stays Pending / InProgress; may be changed between calls. */
    updateDelayMs: number;
    /** The next create (State Failed) or update (LastUpdateStatus Failed) of this function fails with this reason. */
    failNextUpdate(functionName: string, reasonCode: string, reason: string): void;
  };
  counts: Record<string, number>;
  faultCounts: Record<string, number>;
  /** The last JSON request body of each Lambda operation since the last reset (path and query parameters not included). */
  lastInput: Record<string, any>;
  writeCalls(): number;
  resetCounts(): void;
  setFaults(faults: Faults): void;
  close(): Promise<void>;
}

export declare function startLambdaApi(options?: LambdaApiOptions): Promise<LambdaApi>;
