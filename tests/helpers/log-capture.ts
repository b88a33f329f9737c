import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { logger } from '../../src/lib/logger.js';

/**
 * Every line the app logs while the calling file's tests run, captured from pino's destination at
 * the most verbose level (and put back after them). The array fills as lines are written; a test
 * may empty it first to read only its own.
 */
export function captureLogs(): string[] {
  const lines: string[] = [];
  const stream = (logger as unknown as Record<symbol, { write: (s: string) => boolean }>)[
    pino.symbols.streamSym
  ]!;
  const originalWrite = stream.write;
  const originalLevel = logger.level;
  beforeAll(() => {
    logger.level = 'trace';
    stream.write = (line: string) => (lines.push(line), true);
  });
  afterAll(() => {
    stream.write = originalWrite;
    logger.level = originalLevel;
  });
  return lines;
}
