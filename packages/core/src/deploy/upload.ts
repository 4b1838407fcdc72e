import { promises as fsp } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LambdaPackageError } from '../errors';
import { formatBytes } from '../package/limits';
import { accessFailure, AwsTarget, serviceRefusal } from './access-failures';
import { RetryPolicy, withRetry } from './retry';

/** Where a zip's bytes come from for Lambda: inline, or an S3 object Lambda reads. */
export type CodeSource = { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string };

export interface UploadSettings {
  directUploadLimitBytes: number;
  s3Bucket?: string;
  s3KeyPrefix?: string;
  s3: () => S3Client;
  retry: RetryPolicy;
  /** For messages when S3 cannot be reached. */
  aws: AwsTarget;
}

export interface ZipToUpload {
  zipPath: string;
  /** Hex SHA-256: the object key, so the same bytes are uploaded once. */
  sha256: string;
  zippedSize: number;
  /** For messages: `function my-fn`, `layer shared-deps`. */
  label: string;
}

/** Throws before anything is written when a zip is too big to send without an S3 bucket. */
export function checkUploadable(zip: ZipToUpload, settings: Pick<UploadSettings, 'directUploadLimitBytes' | 's3Bucket'>): void {
  if (zip.zippedSize > settings.directUploadLimitBytes && !settings.s3Bucket) {
    throw new LambdaPackageError('deploy:plan', `${zip.label} is ${formatBytes(zip.zippedSize)}, over the ${formatBytes(settings.directUploadLimitBytes)} direct-upload limit`,
      [`zip: ${zip.zipPath}`], 'set "s3Bucket" (and optionally "s3KeyPrefix") so the zip goes through S3, in the same region as the function');
  }
}

export function s3KeyFor(zip: ZipToUpload, prefix: string | undefined): string {
  return `${prefix ?? ''}${zip.sha256}.zip`;
}

/** Inline bytes under the limit; else HeadObject, PutObject only when the object is missing. */
export async function codeSource(zip: ZipToUpload, settings: UploadSettings): Promise<CodeSource> {
  checkUploadable(zip, settings);
  const bytes = await fsp.readFile(zip.zipPath);
  if (zip.zippedSize <= settings.directUploadLimitBytes) return { ZipFile: bytes };
  const Bucket = settings.s3Bucket as string;
  const Key = s3KeyFor(zip, settings.s3KeyPrefix);
  const s3 = settings.s3();
  // A network or credentials failure says "S3" here, not "Lambda" as it would further up.
  const s3Call = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await withRetry(call, settings.retry);
    } catch (err) {
      throw accessFailure(err, 'deploy:upload', zip.label, settings.aws, 'S3') ?? serviceRefusal(err, 'deploy:upload', `${zip.label} (s3://${Bucket}/${Key})`, 'S3') ?? err;
    }
  };
  const exists = await s3Call(async () => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket, Key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  });
  if (!exists) {
    await s3Call(() => s3.send(new PutObjectCommand({ Bucket, Key, Body: bytes, ContentType: 'application/zip' })));
  }
  return { S3Bucket: Bucket, S3Key: Key };
}
