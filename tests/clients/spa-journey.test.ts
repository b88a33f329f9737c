import { describe, expect, it } from 'vitest';
import { spaJourney } from '../../clients/typescript/examples/spa-journey.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { useListeningApp } from '../helpers/sse.js';

const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  MODELS: 'demo',
  DEFAULT_MODEL: 'demo',
  DEMO_CHUNK_DELAY_MS: '20',
  // A dropped connection leaves the reply running for a resume.
  DETACH_GRACE_SECONDS: '30',
  TITLES: 'on',
});
const server = useListeningApp(ctx);

/**
 * The browser: one cookie jar for every client made with it (a page load keeps the HttpOnly
 * cookie), and a network that can drop under a streamed response after n events.
 */
export function browser() {
  let cookie: string | undefined;
  let cutAfter: number | undefined;
  const calls: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const pathname = new URL(request.url).pathname;
    calls.push(`${request.method} ${pathname}`);
    if (cookie && pathname.startsWith('/api/auth/')) request.headers.set('Cookie', cookie);
    const wire = new AbortController();
    request.signal.addEventListener('abort', () => wire.abort(request.signal.reason));
    const response = await fetch(new Request(request, { signal: wire.signal }));
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      if (/^(?:__Host-)?refresh_token=/.test(pair)) cookie = pair.endsWith('=') ? undefined : pair;
    }
    const isStream = response.headers.get('content-type')?.startsWith('text/event-stream');
    if (!isStream || cutAfter === undefined || !response.body) return response;
    const limit = cutAfter;
    cutAfter = undefined;
    let seen = 0;
    let pending = '';
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) return controller.close();
        pending += decoder.decode(value, { stream: true });
        // Pass whole events only, then drop the network as a phone changing cells does.
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const event = pending.slice(0, end + 2);
          pending = pending.slice(end + 2);
          if (event.startsWith(':')) continue;
          controller.enqueue(encoder.encode(event));
          seen += 1;
          if (seen >= limit) {
            wire.abort();
            controller.error(new TypeError('network error'));
            return;
          }
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    calls,
    fetchImpl,
    cutNextStreamAfter: (n: number) => {
      cutAfter = n;
    },
  };
}

describe('the SPA journey through the typed client', () => {
  it('when an SPA runs its whole journey with the typed client, then every step answers as README and API.md say', async () => {
    const b = browser();
    const email = uniqueEmail('spa');
    const r = await spaJourney({
      baseUrl: server.url,
      fetch: b.fetchImpl,
      cutNextStreamAfter: b.cutNextStreamAfter,
      email,
      password: 'correct horse battery',
    });
    console.log(JSON.stringify({ log: r.log, calls: b.calls }, null, 1));

    expect(r.log[0]).toBe('login true');
    expect(r.log[1]).toBe(`reload me=${email} chats=0`);
    // Streamed first message with a title.
    expect(r.first.final?.event).toBe('done');
    expect(r.first.titles).toHaveLength(1);
    expect(r.first.chat?.title).toBe(r.first.titles[0]);
    expect(r.first.text).toBe(r.first.answer?.content);

    // Resume: no duplicated nor lost text.
    expect(r.resumed.resumes).toBe(1);
    expect(r.resumed.view.final?.event).toBe('done');
    expect(r.resumed.view.text).toBe(r.resumed.view.answer?.content);
    expect(r.storedResumedContent).toBe(r.resumed.view.text);
    expect(r.storedResumedStatus).toBe('complete');

    // Stop.
    expect(r.stopResult).toEqual({ stopping: true });
    expect(r.stopped).toMatchObject({ status: 'incomplete', stopReason: 'stop' });

    // Continue (with a drop in the middle): meta's text + new deltas = the whole answer.
    expect(r.continued.resumes).toBe(1);
    expect(r.continued.view.final?.event).toBe('done');
    expect(r.continued.view.answer?.id).toBe(r.stopped.id);
    expect(r.continued.view.text).toBe(r.continued.view.answer?.content);
    expect(r.continued.view.answer?.content.startsWith(r.stopped.content)).toBe(true);
    const storedContinued = await Message.findById(r.stopped.id).lean();
    expect(storedContinued?.content).toBe(r.continued.view.text);

    // Regenerate: a sibling.
    expect(r.regenerated.answer?.id).not.toBe(r.stopped.id);
    expect(r.regenerated.answer?.parentId).toBe(r.stopped.parentId);

    // Edit: a sibling of the second question, the active branch.
    expect(r.edited.question?.parentId).toBe(r.firstAnswer.id);
    const editedIdx = r.branchAfterEdit.findIndex((m) => m.id === r.edited.question?.id);
    expect(r.branchAfterEdit[editedIdx]?.siblingIds).toEqual([
      r.secondQuestion.id,
      r.edited.question?.id,
    ]);
    expect(r.branchAfterEdit.at(-1)?.id).toBe(r.edited.answer?.id);

    // Switch back: the newest leaf below the old question.
    expect(r.branchAfterSwitch.at(-1)?.id).toBe(r.regenerated.answer?.id);
    expect(r.switched.activeLeafId).toBe(r.regenerated.answer?.id);

    // Tree: every message.
    expect(r.tree).toHaveLength(await Message.countDocuments({ chatId: r.chatId }));

    expect(r.found.map((c) => c.id)).toContain(r.chatId);
    expect(r.renamed.title).toBe('Lisbon 2025');
    expect(r.archived.archived).toBe(true);
    expect(r.activeList.map((c) => c.id)).toEqual([r.chatId]);
    expect(r.archivedList.map((c) => c.id)).toEqual([r.fork.id]);
    expect(r.deletedIs).toBe('404 NOT_FOUND');

    expect(r.keys.map((k) => k.id)).toEqual([r.key.id]);
    expect(r.v1Status).toBe(200);
    expect(r.keysAfter).toEqual([]);
    expect(r.usage.total.totalTokens).toBeGreaterThan(0);

    expect(r.wrongCurrent).toBe('401 INVALID_CREDENTIALS');
    expect(r.stillIn.email).toBe(email);
    expect(r.otherAfter).toBe('401 UNAUTHENTICATED');
    expect(r.meAfterChange.email).toBe(email);
    expect(r.afterLogout).toBe('401 UNAUTHENTICATED');
    expect(r.reloadAfterLogout).toBe('401 UNAUTHENTICATED');
    expect(r.reloginOk).toBe(true);
  }, 120_000);
});
