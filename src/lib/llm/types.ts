export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface CompletionRequest {
  model: string;
  messages: ChatTurn[];
  /** Aborts the upstream request (client gone, stop requested, shutdown). */
  signal: AbortSignal;
  maxTokens?: number;
  /**
   * OpenAI-compatible callers (/v1): their own messages (any shape the provider takes: tool calls,
   * content parts) sent instead of `messages`, and validated parameters added to the upstream
   * request. `messages` stays the plain-text view of the same conversation (demo model, estimates).
   */
  passthrough?: { messages?: unknown[]; params?: Record<string, unknown> };
}

/** One fragment of a streamed tool call, as the OpenAI wire format sends it. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** What a provider yields while a reply streams; `finish` and `usage` may come in any order, or never. */
export type CompletionEvent =
  | { type: 'delta'; content: string }
  | { type: 'finish'; finishReason: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'toolCalls'; toolCalls: ToolCallDelta[] };

export type CompletionStream = AsyncGenerator<CompletionEvent, void, undefined>;
