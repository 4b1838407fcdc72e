import { LambdaPackageError } from '../errors';
import { retryKind } from './retry';

/** Where deploy sends its requests, as the messages name it. */
export interface AwsTarget {
  endpoint?: string;
  /** As the SDK resolved it (options, AWS_REGION or the profile); undefined when it has none. */
  region?: string;
  profile?: string;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  /** Set by Node on getaddrinfo failures: the host that did not resolve. */
  hostname?: string;
}

const REJECTED_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId']);
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);

/**
 * Failures of the way to AWS rather than of the function: no network, a wrong region or endpoint,
 * missing or rejected credentials. The SDK reports them bare (`getaddrinfo ENOTFOUND ...`,
 * `Could not load credentials from any providers`), naming neither the function nor the setting
 * to check; this returns them as a LambdaPackageError that names both. Any other error: undefined.
 */
export function accessFailure(err: unknown, where: string, subject: string, target: AwsTarget, service: 'Lambda' | 'S3' = 'Lambda'): LambdaPackageError | undefined {
  const e = (err ?? {}) as SdkLikeError;
  const message = firstLine(e.message ?? String(err));
  const profile = target.profile ? `profile "${target.profile}"` : undefined;
  if (retryKind(err) === 'network') {
    const detail = e.code && !message.includes(e.code) ? `${e.code} ${message}` : message;
    const at = target.endpoint ? `at ${target.endpoint}` : `in region ${target.region ?? '(none)'}${e.hostname ? ` (${e.hostname})` : ''}`;
    const fix = target.endpoint
      ? `check "endpoint" (${target.endpoint}): is the emulator or proxy running and listening there? Remove "endpoint" to deploy to AWS itself`
      : `check "region" (${target.region ?? 'none'})${profile ? ` and ${profile}` : ' and "profile"'}: the region must exist and hold the function; then that this machine reaches ${e.hostname ?? `${service} in that region`} over HTTPS (network, VPN, firewall, proxy)`;
    return new LambdaPackageError(where, `cannot reach ${service} ${at} for ${subject}: ${detail}`, [], fix);
  }
  if (message === 'Region is missing') {
    return new LambdaPackageError(where, `no AWS region for ${subject}${profile ? ` (${profile} sets none)` : ''}`, [],
      'set "region" in the deploy options, AWS_REGION, or "region" in the profile in ~/.aws/config');
  }
  const check = `\`aws sts get-caller-identity${target.profile ? ` --profile ${target.profile}` : ''}\` shows what the AWS CLI finds`;
  if (NO_CREDENTIALS.has(e.name ?? '')) {
    const fix = profile
      ? `check that ${profile} exists in ~/.aws/config or ~/.aws/credentials (or the files AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name) and has credentials (for SSO: \`aws sso login --profile ${target.profile}\`), or set "profile" to one that does; ${check}`
      : `set "profile" (or AWS_PROFILE) to a profile with credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ${check}`;
    return new LambdaPackageError(where, `no AWS credentials for ${subject}${profile ? ` from ${profile}` : ''}: ${message}`, [], fix);
  }
  if (REJECTED_CREDENTIALS.has(e.name ?? '')) {
    return new LambdaPackageError(where, `${service} rejected the credentials${profile ? ` of ${profile}` : ''} for ${subject}: ${message}`, [],
      `renew them (for SSO: \`aws sso login${target.profile ? ` --profile ${target.profile}` : ''}\`; else new access keys), or use another "profile"; ${check}`);
  }
  return undefined;
}

/**
 * Any other answer of Lambda or S3 that refuses a call (a service error, after the retries): the
 * SDK gives only Lambda's sentence, so this adds where, for what, the error code and what to do.
 * Not a service error (a bug of ours, one already explained): undefined.
 */
export function serviceRefusal(err: unknown, where: string, subject: string, service: 'Lambda' | 'S3' = 'Lambda'): LambdaPackageError | undefined {
  const e = (err ?? {}) as SdkLikeError & { $metadata?: { httpStatusCode?: number } };
  if (typeof err !== 'object' || !e.$metadata) return undefined;
  const code = e.name && e.name !== 'Error' ? e.name : `HTTP ${e.$metadata.httpStatusCode ?? '?'}`;
  const message = firstLine(e.message ?? '') || '(no message)';
  return new LambdaPackageError(where, `${service} refused the call for ${subject}: ${code}: ${message}`, [], refusalFix(code, service));
}

function refusalFix(code: string, service: 'Lambda' | 'S3'): string {
  if (/AccessDenied|Forbidden|HTTP 403/.test(code)) {
    return `allow the deploying identity the ${service === 'S3' ? 's3:GetObject, s3:PutObject' : 'lambda:'} action${service === 'S3' ? 's' : ''} the message names${service === 'S3' ? ' on "s3Bucket"' : ''}, then run deploy again`;
  }
  if (service === 'S3') return 'set "s3Bucket" to a bucket that exists in the function\'s region and that the deploying identity may write to, then run deploy again';
  if (retryKind({ name: code }) !== null || code === 'ServiceException') return 'Lambda kept refusing after the retries: wait, then run deploy again (finished steps are skipped), or raise "maxRetries"';
  return 'change what the message names (the deploy options, or "deploy" in lambda.json), then run deploy again';
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
