import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseConnected, markDatabaseUnreachable } from '../../src/lib/db/connection.js';
import { AppError } from '../../src/lib/errors.js';
import { reportError } from '../../src/lib/http/error-handler.js';
import { logger } from '../../src/lib/logger.js';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

afterEach(() => vi.restoreAllMocks());

describe('how a 5xx is logged', () => {
  it('when a request is refused because the database is known to be down, then one warn line with its code and message, no error line and no stack', async () => {
    const warned = vi.spyOn(logger, 'warn');
    const failed = vi.spyOn(logger, 'error');
    // What a failed heartbeat or request does; the next heartbeat (every 500 ms) undoes it.
    markDatabaseUnreachable();
    const res = await ctx.request().get('/api/chats');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    const line = warned.mock.calls.find(([fields]) => {
      return (fields as { code?: string }).code === 'SERVICE_UNAVAILABLE';
    });
    expect(line?.[1]).toBe(res.body.error.message);
    expect(line?.[0]).not.toHaveProperty('err');
    expect(JSON.stringify(line)).not.toMatch(/\n\s+at /);
    expect(failed).not.toHaveBeenCalled();
    // Back before the next file of this worker runs: the next heartbeat marks it reachable.
    for (const end = Date.now() + 5_000; !isDatabaseConnected() && Date.now() < end;)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isDatabaseConnected()).toBe(true);
  });

  it('when a server error is thrown as an AppError of its own (a bug the code names), then it is an error line with its stack, not a warn', () => {
    const warned = vi.spyOn(logger, 'warn');
    const failed = vi.spyOn(logger, 'error');
    const bug = new AppError('INTERNAL', 'Something went wrong on our side');
    reportError({ method: 'GET', url: '/x', headers: {} } as never, bug, bug);
    expect(warned).not.toHaveBeenCalled();
    expect(failed).toHaveBeenCalledTimes(1);
    expect(failed.mock.calls[0]![0]).toMatchObject({ code: 'INTERNAL', err: bug });
  });
});
