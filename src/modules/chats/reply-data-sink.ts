import type { Response } from 'express';
import { whenClosed } from '../../lib/http/response-closed.js';
import type { DataSseStream } from '../../lib/http/sse-data.js';
import type { ReplySink } from './reply-sink.js';

/** How a protocol spells a reply: the lines for a chunk of text, and the last lines. */
export interface DataFormat {
  delta(text: string): unknown[];
  /**
   * The last lines, once the reply has ended (from its outcome). Absent: the caller writes them,
   * from how the reply was stored (a repeat following a stored reply again).
   */
  final?(): unknown[];
}

/**
 * A reader that writes a reply in another protocol's stream of bare `data:` lines (/v1's
 * `chat.completion.chunk` objects, the AI SDK's UI message parts). It paces the reply and counts
 * as attached exactly as the SSE reader of the chats routes does (see followLive).
 */
export class DataSink implements ReplySink {
  readonly gone: Promise<void>;

  constructor(
    private readonly res: Response,
    private readonly sse: DataSseStream,
    private readonly format: DataFormat,
  ) {
    this.gone = new Promise((resolve) => whenClosed(res, resolve));
  }

  get isClosed(): boolean {
    return this.sse.isClosed;
  }

  get congested(): boolean {
    return this.res.writableNeedDrain;
  }

  event(_event: string, data: unknown, _id: string, interrupt?: AbortSignal) {
    const lines = this.format.delta((data as { content: string }).content);
    // The common delta is one line: written without a promise unless the socket is full.
    return lines.length === 1 ? this.sse.data(lines[0], interrupt) : this.all(lines, interrupt);
  }

  private async all(lines: unknown[], interrupt?: AbortSignal): Promise<void> {
    for (const line of lines) await this.sse.data(line, interrupt);
  }

  final(): void {
    if (this.format.final) this.sse.finishWith(...this.format.final());
  }
}
