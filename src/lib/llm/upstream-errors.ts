import OpenAI from 'openai';
import { AppError } from '../errors.js';

/** The upstream went quiet between chunks for longer than UPSTREAM_IDLE_TIMEOUT_MS. */
export class UpstreamIdleError extends Error {
  constructor() {
    super('upstream idle timeout');
    this.name = 'UpstreamIdleError';
  }
}

/**
 * Maps a provider failure to the contract's codes. The provider's own message and body are never
 * passed on: they can carry account details, prompts or keys; the log keeps the cause.
 */
export function upstreamError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof UpstreamIdleError) {
    return new AppError('UPSTREAM_TIMEOUT', 'The model stopped sending its reply', { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new AppError('UPSTREAM_TIMEOUT', 'The model did not answer in time', { cause: err });
  }
  if (err instanceof OpenAI.APIError && err.status === 429) {
    return new AppError(
      'UPSTREAM_ERROR',
      'The model provider is busy or rate limited; try again shortly',
      { cause: err },
    );
  }
  return new AppError('UPSTREAM_ERROR', 'The model provider failed to answer', { cause: err });
}
