import { describe, expect, it, vi } from 'vitest';
import { executorContext } from '../test-support/context';
import invalidConfigExecutor from './invalid-config.impl';

describe('invalid-config executor', () => {
  it('prints the whole message of the invalid marker and fails the target', async () => {
    const message = 'nx-lambda: fns/bad/lambda.json has no "handler".\nAdd it, e.g. { "runtime": "nodejs22.x", "handler": "src/handler.handler" }.';
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await invalidConfigExecutor({ message }, executorContext('/ws', 'bad', { bad: 'fns/bad' }))).toEqual({ success: false });
      expect(err.mock.calls).toEqual([[message]]);
    } finally {
      err.mockRestore();
    }
  });
});
