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
}

/** What a provider yields while a reply streams; `finish` and `usage` may come in any order, or never. */
export type CompletionEvent =
  | { type: 'delta'; content: string }
  | { type: 'finish'; finishReason: string }
  | { type: 'usage'; usage: Usage };

export type CompletionStream = AsyncGenerator<CompletionEvent, void, undefined>;
