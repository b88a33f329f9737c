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
  /** Told once the request is handed to the provider's connection pool (its first attempt). */
  onSent?: () => void;
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
  | { type: 'toolCalls'; toolCalls: ToolCallDelta[] }
  /** Text of a refusal (`delta.refusal`: a model declining, with structured outputs). */
  | { type: 'refusal'; content: string }
  /**
   * A reasoning model's thinking ahead of its answer, not the reply's text: DeepSeek's and vLLM's
   * `delta.reasoning_content`, OpenRouter's, Ollama's and newer vLLM's `delta.reasoning`
   * (`field` names the one it came in).
   */
  | { type: 'reasoning'; content: string; field: ReasoningField };

/** Where OpenAI-compatible servers put a reasoning model's thinking in a delta. */
export type ReasoningField = 'reasoning_content' | 'reasoning';

/**
 * Takes the provider's events in order. A promise back (a reader's socket is full) holds the
 * next event until it settles, and the provider reads no more meanwhile.
 */
export type CompletionHandler = (event: CompletionEvent) => Promise<void> | void;

/**
 * A model call, sent: its events are pushed to one handler as they arrive (no promise or
 * suspended frame per event), from when `read` is called; the call may be made before it.
 */
export interface CompletionStream {
  /**
   * Hands every event to `handle`; resolves at the end of the reply, or quietly once the request's
   * signal has aborted it, and rejects with the call's failure (or the handler's) after the events
   * that came before it. Called once.
   */
  read(handle: CompletionHandler): Promise<void>;
  /**
   * True once the provider has answered with its stream (the response head), false once the call
   * has failed before that; it never rejects (the failure is `read`'s). /v1 sends its stream's
   * head only then, so a call the provider refuses gets its HTTP status, as OpenAI's own do.
   */
  readonly answered: Promise<boolean>;
  /** Stops it early (or before it is read): no more events, and the connection is dropped. */
  close(): void;
}
