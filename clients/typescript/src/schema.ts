/**
 * Generated from the OpenAPI description by `npm run clients` (openapi-typescript); do not edit.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 while the process runs */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when the database answers, else 503 */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics (only with METRICS_TOKEN set; 404 otherwise)
         * @description Served here only when METRICS_TOKEN is set and METRICS_PORT is not; with METRICS_PORT the metrics are on that port instead. See the README, "Operating it".
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 description */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["postAuthSignup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account (alias of /signup) */
        post: operations["postAuthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with email and password */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Log out (revokes the session of the access token and/or the refresh cookie) */
        get: operations["getAuthLogout"];
        put?: never;
        /** Log out (revokes the session of the access token and/or the refresh cookie) */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the refresh cookie and get a new access token */
        post: operations["postAuthRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current user */
        get: operations["getAuthMe"];
        put?: never;
        post?: never;
        /**
         * Delete the account with all its chats, messages and sessions
         * @description The last active administrator cannot delete their account (409 `LAST_ADMIN`): promote another one first. Once the deletion has begun removing the account (its sessions end first), it is finished even when the database fails meanwhile: 204, and the server finishes it when the database answers again; a failure before that removed nothing and may be retried.
         */
        delete: operations["deleteAuthMe"];
        options?: never;
        head?: never;
        /** Change the display name */
        patch: operations["patchAuthMe"];
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password (ends every other session) */
        post: operations["postAuthPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List chats: pinned first, then most recently active
         * @description With `q`, only the chats whose title or one of whose messages matches it. A `q` of words (letters and digits separated by spaces) matches by word prefix: every word must start a word of the same title or message, in any order, ignoring case and diacritics; `holi plan` finds "Planning the holiday", `liday` does not. Any other `q` (punctuation, code, scripts written without spaces) is matched as literal text anywhere, ignoring case.
         */
        get: operations["getChats"];
        put?: never;
        /**
         * Create a chat, optionally answering its first message
         * @description Without `message`: 201 Chat. With `message`: the title comes from it and it is answered like POST /:id/messages.
         */
        post: operations["postChats"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A chat with the latest page of its active branch (root to leaf, oldest first) */
        get: operations["getChatsId"];
        /** Change a chat (alias of PATCH) */
        put: operations["putChatsId"];
        post?: never;
        /** Delete a chat and all its messages */
        delete: operations["deleteChatsId"];
        options?: never;
        head?: never;
        /** Change a chat */
        patch: operations["patchChatsId"];
        trace?: never;
    };
    "/api/chats/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages of a branch (the active one, or `leafId`), newest page first, each page oldest first; `view=tree`: every branch, oldest first */
        get: operations["getChatsIdMessages"];
        put?: never;
        /**
         * Send a message and get the reply, streamed or as JSON
         * @description Streams with `stream: true`, or with `Accept: text/event-stream` when `stream` is absent; otherwise JSON.
         */
        post: operations["postChatsIdMessages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export a chat as a file: every branch as JSON, or the active branch as Markdown
         * @description A download (`Content-Disposition: attachment`, named after the title: `filename` in ASCII, and `filename*` in UTF-8 when the title is not ASCII). `format=json` (the default): the chat, when the export began, and every message of every branch, oldest first, each as the message routes show it. `format=markdown`: the active branch as a document, the title as a heading and each turn under a `User` or `Assistant` heading with its text as written; a reply that failed, was stopped or is still being written is marked below its text. Sent as it is read from the database, a batch at a time: a chat of any size is exported whole. A failure once the file has begun cuts the connection, so a download that ends without error is the whole file.
         */
        get: operations["getChatsIdExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a chat from its export: a new chat holding every message of every branch
         * @description The body is a `ChatExport` as `GET /api/chats/:id/export` writes it (of this account or another, of this server or another). The new chat is the caller's, under new ids: every message of every branch with its role, text, status and time, the same tree (parents, active branch), the title, system prompt, pinned and archived flags and times of the exported chat; the chat's model when this server offers it, else its default model. A reply exported while still streaming is `incomplete`; a time in the future is now, and a message is never older than its parent. Counted as a chat write, charged before the body is read (a refused file costs one too), and against the caps (chats, messages and stored bytes: 409 naming the cap; more than MAX_TREE_MESSAGES messages, a user message over MAX_MESSAGE_CHARS, a reply over MAX_REPLY_CHARS: 400). A file that is no export (an unknown parent, a cycle, duplicate ids, roles out of turn) is a 400 naming the field, and nothing is stored. The body may be up to IMPORT_BODY_LIMIT (20mb), read once the caller is authenticated; at most 2 imports at once per user and IMPORTS_PER_INSTANCE (2) in all on each instance (429 `RATE_LIMITED` with `Retry-After`, before the body is read). Answers as GET /api/chats/:id does.
         */
        post: operations["postChatsImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/messages/{messageId}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a reply: resume its stream after a dropped connection, or watch it from another tab
         * @description Any instance serves it. With `Last-Event-ID` (or `?lastEventId=`): exactly the events after that one, then live until the final event. Without: from the beginning, `meta` first. A finished reply answers at once with what is missing and its final event.
         */
        get: operations["getChatsIdMessagesMessageIdStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/message": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a message (alias of /:id/messages)
         * @description Streams with `stream: true`, or with `Accept: text/event-stream` when `stream` is absent; otherwise JSON.
         */
        post: operations["postChatsIdMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/messages/{messageId}/regenerate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer a user message again, as a new sibling answer (streamed or JSON)
         * @description `messageId` is the user message or one of its answers. The model gets the branch up to that user message; the new answer becomes the active branch. Streams like sending a message.
         */
        post: operations["postChatsIdMessagesMessageIdRegenerate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/messages/{messageId}/continue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Continue an answer that was cut off; the text is appended to the same message
         * @description For an answer that ended `incomplete` or with `finishReason: "length"`. The model gets the branch with the partial answer last; `meta` shows the answer as it was (`assistantMessage.content`), `delta` events carry only the new text, `done` the whole message. A complete answer is a 409 `REPLY_NOT_CONTINUABLE`.
         */
        post: operations["postChatsIdMessagesMessageIdContinue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/messages/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a message and everything below it (a branch)
         * @description When the active branch ran through it, it moves to the newest remaining sibling, else to the parent. A reply still streaming on it is a 409 `MESSAGE_STREAMING`.
         */
        delete: operations["deleteChatsIdMessagesMessageId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/fork": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fork: a new chat with a copy of the branch from the root to a message
         * @description An `Idempotency-Key` makes a repeat of the request (after a lost answer) answer with the same new chat instead of forking again.
         */
        post: operations["postChatsIdFork"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chats/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop the reply being generated for this chat, on whichever instance */
        post: operations["postChatsIdStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List chats (as GET /api/chats) */
        get: operations["getChat"];
        put?: never;
        /** Start a chat or continue one (chatId or threadId); streams unless stream is false */
        post: operations["postChat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages of the active branch of a chat, oldest first */
        get: operations["getChatId"];
        /** Rename or pin a chat */
        put: operations["putChatId"];
        post?: never;
        /** Delete a chat and its messages */
        delete: operations["deleteChatId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The models this server allows */
        get: operations["getModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your API keys (never the keys themselves) */
        get: operations["getKeys"];
        put?: never;
        /**
         * Create a personal API key for /v1 (shown once)
         * @description The key authenticates only on `/v1/*` (`Authorization: Bearer sgpt_…`), never on `/api/*`. It stops working when deleted, when it expires, when the account is deleted and when the password changes. At most `API_KEYS_PER_USER` (20) keys per account: one more is a 409 `TOO_MANY_KEYS`.
         */
        post: operations["postKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an API key (it stops working at once, on every instance) */
        delete: operations["deleteKeysId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a chat completion (OpenAI-compatible; stream or JSON)
         * @description Relays to the configured provider through the same path as chats: allowed models (`MODELS`, else 404 `model_not_found`), `MESSAGES_PER_MINUTE` and `MAX_CONCURRENT_STREAMS` (429 `rate_limit_exceeded` with `Retry-After`). With `stream: true` the answer is `text/event-stream` of `data:` lines, each a `chat.completion.chunk`, a final usage chunk (`choices: []`) with `stream_options.include_usage`, then `data: [DONE]`; an error met after the stream opened is a `data: {"error": …}` line. A provider that is down or overloaded answers 503 `upstream_unavailable` with its `Retry-After` (5 s when it named none). Nothing is stored but usage unless `store: true`: then the last (user) message and the reply go into a chat of the caller, `metadata.chat_id` or a new one; its id is in the `X-Chat-Id` response header, and an `Idempotency-Key` makes a retry of the request (the SDKs retry by themselves after their own timeout) answer with that stored completion instead of storing and generating it again. Only `n = 1`; unknown parameters are a 400 naming them.
         */
        post: operations["postV1ChatCompletions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The models this server allows (OpenAI list format) */
        get: operations["getV1Models"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One allowed model (404 model_not_found otherwise) */
        get: operations["getV1ModelsModel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai-sdk/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Answer useChat's new message as a UI message stream
         * @description The `api` of useChat's `DefaultChatTransport` (send the access token in `headers`). `id` names one of your chats (created on first use); only the last message is read, the server holds the history. The reply goes through the same path as `POST /api/chats/:id/messages` (limits, storage, stop) and streams in the UI message stream protocol: header `x-vercel-ai-ui-message-stream: v1`, `data:` parts `start` (`messageMetadata.chatId`), `start-step`, a reasoning model's thinking as `reasoning-start`, `reasoning-delta`…, `reasoning-end` (not stored), `text-start`, `text-delta`…, `text-end`, `finish-step`, `finish` — or `error` / `abort` — then `data: [DONE]`. `trigger: "regenerate-message"` answers the latest question of the chat's active branch again as a new sibling answer (as `POST /api/chats/:id/messages/:messageId/regenerate`; `messageId` is used when it is a stored message id) and streams it the same way; a chat with nothing to regenerate is a 400 `NOTHING_TO_REGENERATE`.
         */
        post: operations["postAiSdkChat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai-sdk/chat/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A useChat id's stored messages, as UI messages (useChat `messages` on page load)
         * @description The messages of the chat a useChat id names: its active branch, as `GET /api/chats/:id` shows it, each a `UIMessage` with one text part and the stored id, so a reloaded page goes on (edits and regenerate included) where it was. An id never sent to, or whose chat was deleted, has none: `[]`. Newest page first, each page oldest first; `Link` points to older messages.
         */
        get: operations["getAiSdkChatIdMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ai-sdk/chat/{id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Nothing to resume (useChat `resume`)
         * @description Where useChat's transport asks to resume a chat's reply (`resume: true`, `resumeStream()`). Leaving this route stops its reply (it is stored as `incomplete`), so there is never one to resume: always 204, which the transport reads as nothing to resume. Follow a chat reply at `GET /api/chats/:id/messages/:messageId/stream`.
         */
        get: operations["getAiSdkChatIdStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's tokens by day and by model, and today's budget
         * @description Every model call counts its prompt and completion tokens, as the provider reports them or, when it reports none, as counted by the server (`estimatedCalls`). Days are UTC.
         */
        get: operations["getUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts, newest first, each with today's usage and budget */
        get: operations["getAdminUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One account with today's usage and budget */
        get: operations["getAdminUsersId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change an account's daily token budget, role or disabled state
         * @description Disabling ends every session of the account at once on every instance and stops the replies it is generating. The last active administrator cannot be demoted or disabled (409 `LAST_ADMIN`); an account whose owner is deleting it cannot be made an administrator (409 `ACCOUNT_BEING_DELETED`). Every change is recorded in the audit.
         */
        patch: operations["patchAdminUsersId"];
        trace?: never;
    };
    "/api/admin/users/{id}/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End every session, API key and running reply of an account
         * @description For a leaked password or key: the account stays enabled, and its owner logs in again and makes new keys. On every instance at once; the replies being generated stop as with POST /api/chats/{id}/stop. Recorded in the audit as `user.signOut`.
         */
        post: operations["postAdminUsersIdSignOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tokens of every user (or one) by day, by model and by user */
        get: operations["getAdminUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Administrative changes, newest first: who, what, before and after, when */
        get: operations["getAdminAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The `meta` event: `event: meta`, an `id:` line (none on an event that adds no text, such as `title`: the last id stays) and one JSON `data:` line. */
        MetaEvent: {
            /** @constant */
            event: "meta";
            /** @description A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`) */
            id?: string;
            data: string;
        };
        /** @description The `delta` event: `event: delta`, an `id:` line (none on an event that adds no text, such as `title`: the last id stays) and one JSON `data:` line. */
        DeltaEvent: {
            /** @constant */
            event: "delta";
            /** @description A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`) */
            id?: string;
            data: string;
        };
        /** @description The `title` event: `event: title`, an `id:` line (none on an event that adds no text, such as `title`: the last id stays) and one JSON `data:` line. */
        TitleEvent: {
            /** @constant */
            event: "title";
            /** @description A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`) */
            id?: string;
            data: string;
        };
        /** @description The `done` event: `event: done`, an `id:` line (none on an event that adds no text, such as `title`: the last id stays) and one JSON `data:` line. */
        DoneEvent: {
            /** @constant */
            event: "done";
            /** @description A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`) */
            id?: string;
            data: string;
        };
        /** @description The `error` event: `event: error`, an `id:` line (none on an event that adds no text, such as `title`: the last id stays) and one JSON `data:` line. */
        ErrorEvent: {
            /** @constant */
            event: "error";
            /** @description A cursor into the reply, `<replyId>:<offset>` (`<replyId>:end` on the final event, but for a `SERVICE_UNAVAILABLE` `error` of a reader that lost the database: the reply may go on, and the id is the text delivered): send the last one received back as `Last-Event-ID` to resume. Absent on events that add no text (`title`) */
            id?: string;
            data: string;
        };
        /** @description One Server-Sent Event of a reply stream, told apart by `event` */
        ExchangeEvent: components["schemas"]["MetaEvent"] | components["schemas"]["DeltaEvent"] | components["schemas"]["TitleEvent"] | components["schemas"]["DoneEvent"] | components["schemas"]["ErrorEvent"];
        Health: {
            status: string;
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            /** @enum {string} */
            database: "up" | "down";
            draining: boolean;
        };
        OpenAiErrorBody: {
            error: {
                /** @description Human-readable; never contains internals */
                message: string;
                /** @description `invalid_request_error`, `authentication_error`, `not_found_error`, `requests` (429) or `server_error` */
                type: string;
                /** @description The request field at fault, when there is one */
                param: string | null;
                /** @description e.g. `invalid_api_key`, `model_not_found`, `unknown_parameter`, `rate_limit_exceeded` */
                code: string | null;
            };
        };
        MetaEventData: {
            chat: components["schemas"]["Chat"];
            userMessage: components["schemas"]["UserMessage"];
            assistantMessage: components["schemas"]["StreamingReply"];
        };
        Chat: {
            id: string;
            title: string;
            pinned: boolean;
            archived: boolean;
            model: string;
            systemPrompt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: date-time
             * @description Time of the latest user message sent in this chat (its creation time until then; a fork counts from when it was made, not from its copied messages)
             */
            lastMessageAt: string;
            /** @description The message the current branch ends at, once one was chosen (an edit, a regenerate, a continue, a switch, a fork). Absent from a chat that never branched: its branch ends at its newest message. GET /api/chats/:id gives it whenever the chat has messages */
            activeLeafId?: string;
        };
        UserMessage: components["schemas"]["Message"] & {
            /** @enum {string} */
            role: "user";
            /** @enum {string} */
            status: "complete";
        };
        Message: {
            id: string;
            chatId: string;
            parentId: string | null;
            /** @enum {string} */
            role: "user" | "assistant";
            content: string;
            /** @enum {string} */
            status: "complete" | "streaming" | "incomplete" | "error";
            model: string | null;
            finishReason: string | null;
            usage: components["schemas"]["Usage"];
            error: {
                /**
                 * @description One of the API error codes (the error that ended the reply), or `INTERRUPTED`: the server generating it stopped
                 * @enum {string}
                 */
                code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT" | "INTERRUPTED";
                message: string;
            } | null;
            /**
             * @description Why an `incomplete` reply was cut: `stop` (POST /api/chats/:id/stop, the account disabled, or a /v1 or useChat client that left: there leaving is stopping), `detached` (its readers left and none came back within DETACH_GRACE_SECONDS), `superseded` (a new message of yours needed its generation slot), `shutdown` (the server stopped). null otherwise; a reply whose server died is `incomplete` with error `INTERRUPTED`
             * @enum {string|null}
             */
            stopReason: "stop" | "detached" | "superseded" | "shutdown" | null;
            /** Format: date-time */
            createdAt: string;
        };
        Usage: {
            promptTokens: number;
            completionTokens: number;
            totalTokens: number;
        } | null;
        StreamingReply: components["schemas"]["Message"] & {
            /** @enum {string} */
            role: "assistant";
            /** @enum {string} */
            status: "streaming";
            finishReason: null;
            usage: null;
            error: null;
            stopReason: null;
        };
        DeltaEventData: {
            content: string;
        };
        TitleEventData: {
            chat: components["schemas"]["Chat"];
        };
        DoneEventData: {
            message: components["schemas"]["DoneReply"];
            chat: components["schemas"]["Chat"];
        };
        DoneReply: components["schemas"]["Message"] & {
            /** @enum {string} */
            role: "assistant";
            /** @enum {string} */
            status: "complete" | "incomplete";
            error: null;
        };
        ErrorEventData: {
            error: {
                /**
                 * @description One of the API error codes (the error that ended the reply), or `INTERRUPTED`: the server generating it stopped
                 * @enum {string}
                 */
                code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT" | "INTERRUPTED";
                message: string;
            };
            message: components["schemas"]["FailedReply"];
        };
        FailedReply: components["schemas"]["Message"] & {
            /** @enum {string} */
            role: "assistant";
            /** @enum {string} */
            status: "error" | "incomplete";
            error: {
                /**
                 * @description One of the API error codes (the error that ended the reply), or `INTERRUPTED`: the server generating it stopped
                 * @enum {string}
                 */
                code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT" | "INTERRUPTED";
                message: string;
            };
        };
        PostV1ChatCompletionsEvent: {
            id: string;
            /** @enum {string} */
            object: "chat.completion.chunk";
            created: number;
            model: string;
            choices: {
                index: number;
                delta: {
                    /** @enum {string} */
                    role?: "assistant";
                    content?: string;
                    /** @description A piece of the model's refusal */
                    refusal?: string;
                    /** @description A piece of a reasoning model's thinking, in the field the provider used (`reasoning_content`: DeepSeek, vLLM; `reasoning`: OpenRouter, Ollama, newer vLLM). Never part of `content` or of the stored reply */
                    reasoning_content?: string;
                    /** @description A piece of a reasoning model's thinking, in the field the provider used (`reasoning_content`: DeepSeek, vLLM; `reasoning`: OpenRouter, Ollama, newer vLLM). Never part of `content` or of the stored reply */
                    reasoning?: string;
                    tool_calls?: {
                        index: number;
                        id?: string;
                        /** @enum {string} */
                        type?: "function";
                        function?: {
                            name?: string;
                            arguments?: string;
                        };
                    }[];
                };
                logprobs: null;
                finish_reason: string | null;
            }[];
            /** @description Only with stream_options.include_usage */
            usage?: {
                prompt_tokens: number;
                completion_tokens: number;
                total_tokens: number;
            } | null;
        };
        PostAiSdkChatEvent: {
            /** @enum {string} */
            type: "start";
            messageId?: string;
            messageMetadata?: {
                chatId: string;
            };
        } | {
            /** @enum {string} */
            type: "start-step";
        } | {
            /** @enum {string} */
            type: "reasoning-start";
            id: string;
        } | {
            /** @enum {string} */
            type: "reasoning-delta";
            id: string;
            delta: string;
        } | {
            /** @enum {string} */
            type: "reasoning-end";
            id: string;
        } | {
            /** @enum {string} */
            type: "text-start";
            id: string;
        } | {
            /** @enum {string} */
            type: "text-delta";
            id: string;
            delta: string;
        } | {
            /** @enum {string} */
            type: "text-end";
            id: string;
        } | {
            /** @enum {string} */
            type: "finish-step";
        } | {
            /** @enum {string} */
            type: "finish";
            /** @enum {string} */
            finishReason?: "stop" | "length" | "content-filter" | "tool-calls" | "error" | "interrupted" | "other";
        } | {
            /** @enum {string} */
            type: "abort";
            reason?: string;
        } | {
            /** @enum {string} */
            type: "error";
            errorText: string;
        };
        ErrorBody: {
            error: {
                /**
                 * @description Stable machine-readable code
                 * @enum {string}
                 */
                code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT";
                /** @description Human-readable; never contains internals */
                message: string;
                /** @description Same as the X-Request-Id response header */
                requestId: string;
                /** @description Validation issues, one per invalid field */
                details?: {
                    path: string;
                    message: string;
                }[];
            };
        };
        AuthResult: {
            user: components["schemas"]["User"];
            accessToken: string;
            /** @enum {string} */
            tokenType: "Bearer";
            /** @description Seconds until the access token expires */
            expiresIn: number;
        };
        User: {
            id: string;
            email: string;
            name: string;
            /**
             * @description `admin` may call /api/admin
             * @enum {string}
             */
            role: "user" | "admin";
            /** Format: date-time */
            createdAt: string;
        };
        CreatedChat: {
            id: string;
            title: string;
            pinned: boolean;
            archived: boolean;
            model: string;
            systemPrompt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: date-time
             * @description Time of the latest user message sent in this chat (its creation time until then; a fork counts from when it was made, not from its copied messages)
             */
            lastMessageAt: string;
            /** @description The message the current branch ends at, once one was chosen (an edit, a regenerate, a continue, a switch, a fork). Absent from a chat that never branched: its branch ends at its newest message. GET /api/chats/:id gives it whenever the chat has messages */
            activeLeafId?: string;
            /** @description With `message`: the same chat, as POST /api/chats/{id}/messages answers it */
            chat?: {
                id: string;
                title: string;
                pinned: boolean;
                archived: boolean;
                model: string;
                systemPrompt: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
                /**
                 * Format: date-time
                 * @description Time of the latest user message sent in this chat (its creation time until then; a fork counts from when it was made, not from its copied messages)
                 */
                lastMessageAt: string;
                /** @description The message the current branch ends at, once one was chosen (an edit, a regenerate, a continue, a switch, a fork). Absent from a chat that never branched: its branch ends at its newest message. GET /api/chats/:id gives it whenever the chat has messages */
                activeLeafId?: string;
            };
            /** @description With `message`: the user message and the stored reply */
            messages?: [
                components["schemas"]["UserMessage"],
                components["schemas"]["AnsweredReply"]
            ];
        };
        AnsweredReply: components["schemas"]["Message"] & {
            /** @enum {string} */
            role: "assistant";
            /** @enum {string} */
            status: "complete" | "incomplete";
        };
        ChatWithMessages: {
            id: string;
            title: string;
            pinned: boolean;
            archived: boolean;
            model: string;
            systemPrompt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: date-time
             * @description Time of the latest user message sent in this chat (its creation time until then; a fork counts from when it was made, not from its copied messages)
             */
            lastMessageAt: string;
            /** @description The message the current branch ends at, once one was chosen (an edit, a regenerate, a continue, a switch, a fork). Absent from a chat that never branched: its branch ends at its newest message. GET /api/chats/:id gives it whenever the chat has messages */
            activeLeafId?: string;
            /** @description The latest page of the active branch (root to leaf), oldest first */
            messages: components["schemas"]["BranchMessage"][];
            /** @description Older messages exist: follow the Link header or GET /:id/messages?cursor= */
            hasMore: boolean;
        };
        BranchMessage: {
            id: string;
            chatId: string;
            parentId: string | null;
            /** @enum {string} */
            role: "user" | "assistant";
            content: string;
            /** @enum {string} */
            status: "complete" | "streaming" | "incomplete" | "error";
            model: string | null;
            finishReason: string | null;
            usage: components["schemas"]["Usage"];
            error: {
                /**
                 * @description One of the API error codes (the error that ended the reply), or `INTERRUPTED`: the server generating it stopped
                 * @enum {string}
                 */
                code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT" | "INTERRUPTED";
                message: string;
            } | null;
            /**
             * @description Why an `incomplete` reply was cut: `stop` (POST /api/chats/:id/stop, the account disabled, or a /v1 or useChat client that left: there leaving is stopping), `detached` (its readers left and none came back within DETACH_GRACE_SECONDS), `superseded` (a new message of yours needed its generation slot), `shutdown` (the server stopped). null otherwise; a reply whose server died is `incomplete` with error `INTERRUPTED`
             * @enum {string|null}
             */
            stopReason: "stop" | "detached" | "superseded" | "shutdown" | null;
            /** Format: date-time */
            createdAt: string;
            /** @description This message and the other answers to its parent (or other first messages), oldest first */
            siblingIds: string[];
        };
        ChatExport: {
            chat: components["schemas"]["Chat"];
            /**
             * Format: date-time
             * @description When the export began
             */
            exportedAt: string;
            /** @description Every message of the chat, on every branch, oldest first (not only the active branch, nor only the newest MAX_TREE_MESSAGES). `parentId` makes the tree: the siblings of a message are the messages with its `parentId`, and `chat.activeLeafId` ends the active branch (absent: the newest message ends it). A reply still streaming is there as stored so far, `streaming` */
            messages: components["schemas"]["Message"][];
        };
        ChatImport: {
            chat: {
                id: string;
                title: string;
                pinned: boolean;
                archived: boolean;
                /** @description The chat's model: kept when this server offers it (`GET /api/models`), else its default model */
                model: string;
                systemPrompt: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                updatedAt: string;
                /** Format: date-time */
                lastMessageAt: string;
                /** @description Must name a message of `messages` (absent: the newest message ends the branch) */
                activeLeafId?: string;
            };
            /** Format: date-time */
            exportedAt: string;
            /** @description Every message of every branch. Ids are the export's: each `parentId` names a message of the list (null: a first message), with no cycle; a first message and a message below an answer are `user` messages, `complete`; the answers are `assistant` messages below a question */
            messages: {
                id: string;
                chatId: string;
                parentId: string | null;
                /** @enum {string} */
                role: "user" | "assistant";
                content: string;
                /** @enum {string} */
                status: "complete" | "streaming" | "incomplete" | "error";
                model: string | null;
                finishReason: string | null;
                usage: {
                    promptTokens: number;
                    completionTokens: number;
                    totalTokens: number;
                } | null;
                error: {
                    /** @enum {string} */
                    code: "VALIDATION_FAILED" | "INVALID_JSON" | "BAD_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "INVALID_LAST_EVENT_ID" | "INVALID_IDEMPOTENCY_KEY" | "PARENT_NOT_ASSISTANT" | "NOTHING_TO_REGENERATE" | "NOT_CONTINUABLE" | "UNAUTHENTICATED" | "INVALID_CREDENTIALS" | "FORBIDDEN_ORIGIN" | "FORBIDDEN" | "ACCOUNT_DISABLED" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "EMAIL_TAKEN" | "TOO_MANY_KEYS" | "IDEMPOTENCY_KEY_REUSED" | "CHAT_LIMIT_REACHED" | "MESSAGE_LIMIT_REACHED" | "STORAGE_LIMIT_REACHED" | "MESSAGE_STREAMING" | "REPLY_NOT_CONTINUABLE" | "LAST_ADMIN" | "ACCOUNT_BEING_DELETED" | "REFRESH_COOKIE_REPLACED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMITED" | "TOO_MANY_STREAMS" | "TOO_MANY_PASSWORD_CHECKS" | "QUOTA_EXCEEDED" | "INTERNAL" | "UPSTREAM_ERROR" | "SERVICE_UNAVAILABLE" | "SERVER_BUSY" | "SEARCH_TIMEOUT" | "UPSTREAM_TIMEOUT" | "INTERRUPTED";
                    message: string;
                } | null;
                /** @enum {string|null} */
                stopReason: "stop" | "detached" | "superseded" | "shutdown" | null;
                /** Format: date-time */
                createdAt: string;
            }[];
        };
        ExchangeResult: {
            chat: components["schemas"]["Chat"];
            /** @description The user message and the stored reply */
            messages: [
                components["schemas"]["UserMessage"],
                components["schemas"]["AnsweredReply"]
            ];
        };
        StopResult: {
            /** @description false when no reply was being generated for this chat */
            stopping: boolean;
        };
        Model: {
            id: string;
            /**
             * @description "openai": the OpenAI-compatible upstream at OPENAI_BASE_URL
             * @enum {string}
             */
            provider: "openai" | "demo";
            default: boolean;
        };
        StoredUiMessage: {
            /** @description The stored message id (the `messageId` of its `start` part) */
            id: string;
            /** @enum {string} */
            role: "user" | "assistant";
            /** @description One text part: the message text (a reply still streaming: its text so far) */
            parts: {
                /** @enum {string} */
                type: "text";
                text: string;
            }[];
            metadata: {
                chatId: string;
                parentId: string | null;
                /** Format: date-time */
                createdAt: string;
                /** @enum {string} */
                status: "complete" | "streaming" | "incomplete" | "error";
                /**
                 * @description Why an `incomplete` reply was cut (the chat message's `stopReason`)
                 * @enum {string|null}
                 */
                stopReason: "stop" | "detached" | "superseded" | "shutdown" | null;
                /** @description This message and the other answers to its parent (or other first messages), oldest first: other edits or answers (switch with `PATCH /api/chats/:id` `activeLeafId`) */
                siblingIds: string[];
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is running */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not ready (database down or draining) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics in the Prometheus text format */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthSignup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    password: string;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Account created and logged in; sets the refresh cookie */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    password: string;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Account created and logged in; sets the refresh cookie */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Logged in; sets the refresh cookie */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out; the refresh cookie is cleared and the replies the session is streaming stop */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out; the refresh cookie is cleared and the replies the session is streaming stop */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description New access token; the refresh cookie is rotated */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthResult"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAuthMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The current user */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteAuthMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Account deleted */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    patchAuthMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description The updated user */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAuthPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    currentPassword: string;
                    /** @description At most 72 bytes in UTF-8 (bcrypt reads no more): 72 ASCII characters, fewer when others are used. */
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description Password changed; this session goes on with a new refresh cookie (a copy of the old one no longer refreshes). The replies the other sessions and the API keys are streaming stop. */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChats: {
        parameters: {
            query?: {
                /** @description Search in titles and message text (every message of the chat, on any branch). Words only (letters and digits separated by spaces): each word must start a word of the same title or message, in any order, ignoring case and diacritics (indexed). Anything else (punctuation, code, scripts written without spaces): the text as typed, anywhere, ignoring case. Rate-limited per user; a search running past its time budget is a 503 SEARCH_TIMEOUT. Blank (spaces only) is no search: the whole list */
                q?: string;
                /** @description true lists archived chats */
                archived?: "true" | "false";
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default) */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of chats; `Link: <…>; rel="next"` when more exist */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChats: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    message?: string;
                    title?: string;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    systemPrompt?: string;
                    /** @description true: Server-Sent Events; false: JSON. Absent: decided by Accept */
                    stream?: boolean;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The new chat; with `message` (JSON mode) it also carries `messages` (the user message and the reply) and `chat` (the same chat, as POST /:id/messages answers) */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedChat"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChatsId: {
        parameters: {
            query?: {
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default). A page also ends once its messages' text reaches 1mb (UTF-8; the first message always goes in, so a longer one is a page of its own): a page shorter than `limit` is not the last, follow the Link header */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chat, its latest messages and whether older ones exist */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatWithMessages"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    putChatsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    title?: string;
                    pinned?: boolean;
                    archived?: boolean;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    systemPrompt?: string;
                    /** @description Switch branch: the branch moves to the newest message at or below this one */
                    activeLeafId?: string;
                };
            };
        };
        responses: {
            /** @description The updated chat */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteChatsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    patchChatsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    title?: string;
                    pinned?: boolean;
                    archived?: boolean;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    systemPrompt?: string;
                    /** @description Switch branch: the branch moves to the newest message at or below this one */
                    activeLeafId?: string;
                };
            };
        };
        responses: {
            /** @description The updated chat */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChatsIdMessages: {
        parameters: {
            query?: {
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default). A page also ends once its messages' text reaches 1mb (UTF-8; the first message always goes in, so a longer one is a page of its own): a page shorter than `limit` is not the last, follow the Link header */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
                /** @description Page the branch ending at this message (default: the active branch). The first page is the branch's newest messages and the Link goes to older ones, each page oldest first; the next pages' cursor stays on the first page's branch, even if the active branch moves */
                leafId?: string;
                /** @description `tree`: every message of every branch, oldest first (the cursor goes forward) */
                view?: "branch" | "tree";
            };
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages; `Link` points to the next page */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BranchMessage"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdMessages: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    content: string;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    /** @description true: Server-Sent Events; false: JSON. Absent: decided by Accept */
                    stream?: boolean;
                    /** @description Edit: the assistant message this one follows (null: a new first message). Absent: the end of the active branch */
                    parentId?: string | null;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The user message and the reply, both stored */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeResult"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChatsIdExport: {
        parameters: {
            query?: {
                /** @description `json` (the default): the chat and every message of every branch. `markdown`: the active branch as a document to read */
                format?: "json" | "markdown";
            };
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chat and every message (`format=json`); or the active branch as Markdown (`format=markdown`) */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `attachment; filename="<title>.json"` (`.md` for Markdown), with `filename*=UTF-8''<title>` when the title is not ASCII */
                    "Content-Disposition"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatExport"];
                    "text/markdown": string;
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsImport: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same 201 chat instead of making another (deleting that chat forgets the key: a repeat after that makes a new one); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatImport"];
            };
        };
        responses: {
            /** @description The new chat with the latest page of its active branch */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatWithMessages"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChatsIdMessagesMessageIdStream: {
        parameters: {
            query?: {
                /** @description Same as the Last-Event-ID header, for clients that cannot set headers */
                lastEventId?: string;
            };
            header?: {
                /** @description The `id:` of the last event received (`<replyId>:<offset>`): the stream resumes after it. Absent: from the beginning, `meta` first */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
                /** @description Id of the reply (the `assistantMessage.id` of `meta`) */
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line; the schema describes one event, its `data` payload is the `contentSchema`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ExchangeEvent"];
                };
            };
            /** @description Last-Event-ID names the final event: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdMessage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    content: string;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    /** @description true: Server-Sent Events; false: JSON. Absent: decided by Accept */
                    stream?: boolean;
                    /** @description Edit: the assistant message this one follows (null: a new first message). Absent: the end of the active branch */
                    parentId?: string | null;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The user message and the reply, both stored */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeResult"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdMessagesMessageIdRegenerate: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
                /** @description Message id */
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    /** @description true: Server-Sent Events; false: JSON. Absent: decided by Accept */
                    stream?: boolean;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The user message and the new answer */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeResult"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdMessagesMessageIdContinue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
                /** @description Message id */
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description true: Server-Sent Events; false: JSON. Absent: decided by Accept */
                    stream?: boolean;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The user message and the continued answer */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeResult"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteChatsIdMessagesMessageId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
                /** @description Message id */
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdFork: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same 201 chat instead of making another (deleting that chat forgets the key: a repeat after that makes a new one); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The message the copied branch ends at (the root to it is copied) */
                    messageId: string;
                };
            };
        };
        responses: {
            /** @description The new chat; its active branch is the copy */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChatsIdStop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stop requested; the partial reply is stored as incomplete */
            202: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StopResult"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChat: {
        parameters: {
            query?: {
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default) */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of chats */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postChat: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the same exchange instead of generating again: the same 201 body, or the stream of the same reply (a reply that failed upstream: the same 502/504, with its X-Chat-Id); the same key with another body is a 409 */
                "Idempotency-Key"?: string;
                /** @description Sent by EventSource-style clients when they reconnect: nothing is sent again; the reply it names resumes after that event (204 when it had ended and was fully delivered) */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    message: string;
                    chatId?: string;
                    /** @description Accepted in place of chatId */
                    threadId?: string;
                    /** @description A model id from `GET /api/models`; any other is a 400 */
                    model?: string;
                    /** @description false: JSON. Absent: streams, unless Accept rules out text/event-stream (`Accept: application/json`) */
                    stream?: boolean;
                };
            };
        };
        responses: {
            /**
             * @description Server-Sent Events: `meta` {chat, userMessage, assistantMessage}, then one `delta` {content} per upstream chunk, then, after the first reply of a chat, `title` {chat} when the model wrote the chat a title, then exactly one `done` {message, chat (as stored once the reply settled it)} or `error` {error, message}. `: ping` comments keep the connection open.
             *
             *     `text/event-stream`: each event has an `event:` line (`meta`, `delta`, `title`, `done`, `error`), an `id:` line (a cursor to resume from)
             *     and one JSON `data:` line. The stream is described here and in `x-event-stream` (`contentType`, and `itemSchema`: one event, whose `data` payload is the `contentSchema`) rather than as `content`, so that clients generated from this description type the JSON answer alone; read the stream with `fetch`.
             *     A comment line `: ping` keeps the connection alive. The stream ends with exactly one `done` or `error` event.
             */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The user message and the reply (stream: false) */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExchangeResult"];
                };
            };
            /** @description A reconnect (Last-Event-ID) whose reply had ended and was fully delivered: nothing more to send */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model failed (`UPSTREAM_ERROR`) */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_ERROR",
                     *         "message": "The upstream model failed",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The upstream model timed out (`UPSTREAM_TIMEOUT`) */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The chat holding the question and the failed reply (a new one for a send that started it) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPSTREAM_TIMEOUT",
                     *         "message": "The upstream model timed out",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getChatId: {
        parameters: {
            query?: {
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default). A page also ends once its messages' text reaches 1mb (UTF-8; the first message always goes in, so a longer one is a page of its own): a page shorter than `limit` is not the last, follow the Link header */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BranchMessage"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    putChatId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    title?: string;
                    pinned?: boolean;
                };
            };
        };
        responses: {
            /** @description The updated chat */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Chat"];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteChatId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Chat id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed models; any other model in a chat or message is a 400 */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keys, newest first */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description The first characters of the key, to tell keys apart */
                        prefix: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        expiresAt: string | null;
                        /**
                         * Format: date-time
                         * @description Updated at most once a minute (API_KEY_LAST_USED_INTERVAL_SECONDS)
                         */
                        lastUsedAt: string | null;
                    }[];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description Days until the key stops working; without it the key does not expire */
                    expiresInDays?: number;
                };
            };
        };
        responses: {
            /** @description The new key, in full */
            201: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description The first characters of the key, to tell keys apart */
                        prefix: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        expiresAt: string | null;
                        /**
                         * Format: date-time
                         * @description Updated at most once a minute (API_KEY_LAST_USED_INTERVAL_SECONDS)
                         */
                        lastUsedAt: string | null;
                        /** @description The key itself (`sgpt_…`): shown only in this response, store it now */
                        key: string;
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteKeysId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; a /v1 completion it is streaming stops */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postV1ChatCompletions: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any printable ASCII string up to 200 characters, new for each request. A repeat with the same key, path and body (kept 24 h) answers with the completion the first request stored, never a second stored exchange or model call: the same JSON `chat.completion` once it was made, or the same reply followed from its start (waited for, or streamed live, while it still runs; a stream once the reply has text, so that a provider's refusal of the first request answers with its status, as it did); a completion that failed answers the same error (the provider's status kept: 400, 429 or 503, with what is left of its Retry-After), but one cut by its server (shutting down, or stalled until its generation was taken from it: 503 with Retry-After), or failed by the provider's rate limit or outage once the wait it asked for is over, is made again. `stream` and `stream_options` are not compared, and the SDKs send a request's headers again with each retry; the same key with another body is a 409 (`idempotency_key_reused`). Read only with `store: true`: without it nothing is stored, and the header is ignored */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    model: string;
                    messages: ({
                        /** @enum {string} */
                        role: "system";
                        content: string | ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        role: "developer";
                        content: string | ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        role: "user";
                        content: string | ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        role: "assistant";
                        content?: string | ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[] | null;
                        name?: string;
                        refusal?: string | null;
                        /** @description null, as the Python SDK leaves it, is not relayed */
                        tool_calls?: {
                            id: string;
                            /** @enum {string} */
                            type: "function";
                            function: {
                                name: string;
                                arguments: string;
                                /** @description As the OpenAI SDKs' helpers leave it on a message sent back; not relayed */
                                parsed_arguments?: unknown;
                            };
                        }[] | null;
                        /** @description As the OpenAI SDKs' helpers leave it on a message sent back; not relayed */
                        parsed?: unknown;
                        /** @description As the OpenAI SDKs' helpers leave it on a message sent back; not relayed */
                        annotations?: ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[] | null;
                        /** @description As the OpenAI SDKs' helpers leave it on a message sent back; not relayed */
                        audio?: null;
                        /** @description As the OpenAI SDKs' helpers leave it on a message sent back; not relayed */
                        function_call?: null;
                    } | {
                        /** @enum {string} */
                        role: "tool";
                        content: string | ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        tool_call_id: string;
                    })[];
                    stream?: boolean | null;
                    stream_options?: {
                        include_usage?: boolean;
                        include_obfuscation?: boolean;
                    } | null;
                    temperature?: number | null;
                    top_p?: number | null;
                    max_tokens?: number | null;
                    max_completion_tokens?: number | null;
                    stop?: string | ([
                    ] | [
                        string
                    ] | [
                        string,
                        string
                    ] | [
                        string,
                        string,
                        string
                    ]) | null;
                    seed?: number | null;
                    presence_penalty?: number | null;
                    frequency_penalty?: number | null;
                    response_format?: {
                        /** @enum {string} */
                        type: "text";
                    } | {
                        /** @enum {string} */
                        type: "json_object";
                    } | {
                        /** @enum {string} */
                        type: "json_schema";
                        json_schema: {
                            name: string;
                            description?: string;
                            schema?: {
                                [key: string]: unknown;
                            };
                            strict?: boolean | null;
                        };
                    };
                    tools?: {
                        /** @enum {string} */
                        type: "function";
                        function: {
                            name: string;
                            description?: string;
                            parameters?: {
                                [key: string]: unknown;
                            };
                            strict?: boolean | null;
                        };
                    }[];
                    tool_choice?: ("none" | "auto" | "required") | {
                        /** @enum {string} */
                        type: "function";
                        function: {
                            name: string;
                        };
                    };
                    parallel_tool_calls?: boolean;
                    n?: number | null;
                    user?: string;
                    store?: boolean | null;
                    /** @description With `store: true`, `chat_id` names the chat to store the exchange in */
                    metadata?: {
                        [key: string]: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description The completion (`stream` false or absent); or With `stream: true`: `chat.completion.chunk` objects, then `[DONE]` */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With store: true, the chat the exchange was stored in */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `chatcmpl-…` */
                        id: string;
                        /** @enum {string} */
                        object: "chat.completion";
                        /** @description Unix seconds */
                        created: number;
                        model: string;
                        choices: {
                            index: number;
                            message: {
                                /** @enum {string} */
                                role: "assistant";
                                content: string | null;
                                /** @description The model's refusal, as the provider sent it */
                                refusal: string | null;
                                /** @description A reasoning model's thinking, in the field the provider used (`reasoning_content`: DeepSeek, vLLM; `reasoning`: OpenRouter, Ollama, newer vLLM). Never part of `content` or of the stored reply */
                                reasoning_content?: string;
                                /** @description A reasoning model's thinking, in the field the provider used (`reasoning_content`: DeepSeek, vLLM; `reasoning`: OpenRouter, Ollama, newer vLLM). Never part of `content` or of the stored reply */
                                reasoning?: string;
                                tool_calls?: {
                                    id: string;
                                    /** @enum {string} */
                                    type: "function";
                                    function: {
                                        name: string;
                                        arguments: string;
                                    };
                                }[];
                            };
                            logprobs: null;
                            finish_reason: string;
                        }[];
                        /** @description The provider's figures or, when it reported none, the server's count that was charged */
                        usage?: {
                            prompt_tokens: number;
                            completion_tokens: number;
                            total_tokens: number;
                        };
                    };
                    "text/event-stream": {
                        data: string | "[DONE]";
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": "invalid_api_key"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Conflicts with existing data */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Conflicts with existing data",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The request body is larger than the server accepts",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The upstream model failed */
            502: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The upstream model failed",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; for a completion also the model provider down or overloaded (`upstream_unavailable`, 5 s when it named no wait) or a stored completion stopped (`generation_interrupted`); retry after `Retry-After` seconds unless `x-should-retry` is `false` */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The upstream model timed out */
            504: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The upstream model timed out",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
        };
    };
    getV1Models: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed models */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        object: "list";
                        data: {
                            id: string;
                            /** @enum {string} */
                            object: "model";
                            created: number;
                            owned_by: string;
                        }[];
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": "invalid_api_key"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; for a completion also the model provider down or overloaded (`upstream_unavailable`, 5 s when it named no wait) or a stored completion stopped (`generation_interrupted`); retry after `Retry-After` seconds unless `x-should-retry` is `false` */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
        };
    };
    getV1ModelsModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        object: "model";
                        created: number;
                        owned_by: string;
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": "invalid_api_key"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "type": "invalid_request_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; for a completion also the model provider down or overloaded (`upstream_unavailable`, 5 s when it named no wait) or a stored completion stopped (`generation_interrupted`); retry after `Retry-After` seconds unless `x-should-retry` is `false` */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    /** @description `false` when sending the request again as it is would not help or would store it twice (a refusal that answers the same, a stored exchange, a long wait): the SDKs do not retry it */
                    "x-should-retry"?: string;
                    /** @description With `store: true`, once the question was stored: the chat holding it (the one a retry should name in `metadata.chat_id`) */
                    "X-Chat-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "type": "server_error",
                     *         "param": null,
                     *         "code": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBody"];
                };
            };
        };
    };
    postAiSdkChat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description useChat's chat id: names one of your chats (created on first use) */
                    id: string;
                    /** @description Only the last message (the new user message) and the id of the answer before it are read, and none with `regenerate-message`: the server holds the history. The new message goes after that answer when it is a stored one (the conversation the user sees, whatever another tab did), otherwise after the chat’s active branch; an edit (`messageId` with `submit-message`) needs it */
                    messages: ({
                        id: string;
                        /** @enum {string} */
                        role: "system" | "user" | "assistant";
                        parts: ({
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                    } & {
                        [key: string]: unknown;
                    })[];
                    /**
                     * @description `regenerate-message` answers the latest question of the active branch again (400 `NOTHING_TO_REGENERATE` when there is none)
                     * @enum {string}
                     */
                    trigger: "submit-message" | "regenerate-message";
                    /** @description With `regenerate-message`: the answer to regenerate, when it is a stored message id; otherwise the latest answer. With `submit-message` (useChat replacing a message: an edit): the new question goes beside the edited one, after the answer before it in `messages` */
                    messageId?: string | null;
                    /** @description One of MODELS; default: the chat’s model */
                    model?: string;
                };
            };
        };
        responses: {
            /** @description The reply as a UI message stream */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `v1` */
                    "x-vercel-ai-ui-message-stream"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        data: string | "[DONE]";
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests; retry after `Retry-After` seconds (`RATE_LIMITED`, `TOO_MANY_STREAMS`, `TOO_MANY_PASSWORD_CHECKS`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMITED",
                     *         "message": "Too many requests; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAiSdkChatIdMessages: {
        parameters: {
            query?: {
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default). A page also ends once its messages' text reaches 1mb (UTF-8; the first message always goes in, so a longer one is a page of its own): a page shorter than `limit` is not the last, follow the Link header */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of UI messages; `Link` points to the next (older) page */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredUiMessage"][];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAiSdkChatIdStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No reply to resume */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getUsage: {
        parameters: {
            query?: {
                /** @description First UTC day, inclusive (default: 29 days before `to`). Not after `to`, and the range covers at most 366 days: otherwise a 400 */
                from?: string;
                /** @description Last UTC day, inclusive (default: today) */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage report */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: string;
                        to: string;
                        total: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                        };
                        /** @description Days with calls, oldest first */
                        byDay: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                            day: string;
                        }[];
                        /** @description Models used, most tokens first */
                        byModel: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                            model: string;
                        }[];
                        budget: {
                            /** @description Tokens (prompt + completion) per UTC day; null when unlimited */
                            limit: number | null;
                            /** @description Tokens used today (UTC) */
                            used: number;
                            /**
                             * Format: date-time
                             * @description When `used` starts again from 0 (next 00:00 UTC)
                             */
                            resetsAt: string;
                        };
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAdminUsers: {
        parameters: {
            query?: {
                /** @description Case-insensitive text searched in emails and names. Blank (spaces only) is no search: the whole list */
                q?: string;
                role?: "user" | "admin";
                /** @description true: only disabled accounts; false: only active ones */
                disabled?: "true" | "false";
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default) */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of accounts; `Link: <…>; rel="next"` when more exist */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        role: "user" | "admin";
                        disabled: boolean;
                        /** @description The user's own daily limit; null when TOKEN_BUDGET_PER_DAY applies */
                        tokenBudgetPerDay: number | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** @description Tokens of the current UTC day */
                        usageToday: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                        };
                        budget: {
                            /** @description Tokens (prompt + completion) per UTC day; null when unlimited */
                            limit: number | null;
                            /** @description Tokens used today (UTC) */
                            used: number;
                            /**
                             * Format: date-time
                             * @description When `used` starts again from 0 (next 00:00 UTC)
                             */
                            resetsAt: string;
                        };
                    }[];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAdminUsersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        role: "user" | "admin";
                        disabled: boolean;
                        /** @description The user's own daily limit; null when TOKEN_BUDGET_PER_DAY applies */
                        tokenBudgetPerDay: number | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** @description Tokens of the current UTC day */
                        usageToday: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                        };
                        budget: {
                            /** @description Tokens (prompt + completion) per UTC day; null when unlimited */
                            limit: number | null;
                            /** @description Tokens used today (UTC) */
                            used: number;
                            /**
                             * Format: date-time
                             * @description When `used` starts again from 0 (next 00:00 UTC)
                             */
                            resetsAt: string;
                        };
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    patchAdminUsersId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Tokens per UTC day for this user; 0 = unlimited; null = TOKEN_BUDGET_PER_DAY */
                    tokenBudgetPerDay?: number | null;
                    /** @description true ends every session and stops running replies at once */
                    disabled?: boolean;
                    /** @enum {string} */
                    role?: "user" | "admin";
                };
            };
        };
        responses: {
            /** @description The account after the change */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        email: string;
                        name: string;
                        /** @enum {string} */
                        role: "user" | "admin";
                        disabled: boolean;
                        /** @description The user's own daily limit; null when TOKEN_BUDGET_PER_DAY applies */
                        tokenBudgetPerDay: number | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** @description Tokens of the current UTC day */
                        usageToday: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                        };
                        budget: {
                            /** @description Tokens (prompt + completion) per UTC day; null when unlimited */
                            limit: number | null;
                            /** @description Tokens used today (UTC) */
                            used: number;
                            /**
                             * Format: date-time
                             * @description When `used` starts again from 0 (next 00:00 UTC)
                             */
                            resetsAt: string;
                        };
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with existing data (`EMAIL_TAKEN`, `TOO_MANY_KEYS`, `IDEMPOTENCY_KEY_REUSED`, `CHAT_LIMIT_REACHED`, `MESSAGE_LIMIT_REACHED`, `STORAGE_LIMIT_REACHED`, `MESSAGE_STREAMING`, `REPLY_NOT_CONTINUABLE`, `LAST_ADMIN`, `ACCOUNT_BEING_DELETED`, `REFRESH_COOKIE_REPLACED`) */
            409: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_TAKEN",
                     *         "message": "Conflicts with existing data",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    postAdminUsersIdSignOut: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description User id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out everywhere */
            204: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such resource (another user's resources answer the same way) (`NOT_FOUND`) */
            404: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "No such resource (another user's resources answer the same way)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts (`PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PAYLOAD_TOO_LARGE",
                     *         "message": "The request body is larger than the server accepts",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does) (`UNSUPPORTED_MEDIA_TYPE`) */
            415: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description With a Content-Encoding the server does not decode: those it does (gzip, deflate, br, zstd where the Node has it, identity) */
                    "Accept-Encoding"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "message": "The body is not application/json (UTF-8), or is compressed with a Content-Encoding the server does not decode (named; `Accept-Encoding` lists those it does)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAdminUsage: {
        parameters: {
            query?: {
                /** @description First UTC day, inclusive (default: 29 days before `to`). Not after `to`, and the range covers at most 366 days: otherwise a 400 */
                from?: string;
                /** @description Last UTC day, inclusive (default: today) */
                to?: string;
                /** @description Only this user's calls */
                userId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage report */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: string;
                        to: string;
                        total: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                        };
                        /** @description Days with calls, oldest first */
                        byDay: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                            day: string;
                        }[];
                        /** @description Models used, most tokens first */
                        byModel: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                            model: string;
                        }[];
                        /** @description The users with the most tokens in the range (at most 100), most first */
                        byUser: {
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description Model calls */
                            calls: number;
                            /** @description Calls whose tokens were counted by the server because the provider reported none */
                            estimatedCalls: number;
                            /** @description null: the calls of accounts deleted since, together */
                            userId: string | null;
                            /** @description null when the account no longer exists */
                            email: string | null;
                        }[];
                        /** @description SERVICE_TOKEN_BUDGET_PER_DAY (null: none) and every user's tokens of today together: past it, every model call is refused 429 QUOTA_EXCEEDED */
                        serviceBudget: {
                            /** @description Tokens (prompt + completion) per UTC day; null when unlimited */
                            limit: number | null;
                            /** @description Tokens used today (UTC) */
                            used: number;
                            /**
                             * Format: date-time
                             * @description When `used` starts again from 0 (next 00:00 UTC)
                             */
                            resetsAt: string;
                        };
                    };
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getAdminAudit: {
        parameters: {
            query?: {
                /** @description Only changes made by or to this user */
                userId?: string;
                /** @description Page size in decimal digits (`0x3`, `1e0`, `3.0` or spaces are a 400), clamped to 100 (also the default) */
                limit?: number;
                /** @description Opaque cursor from the Link header of this list's previous page, read with the same query (another list's, or one of another filter, search or chat: 400) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries; `Link` points to older ones */
            200: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The next page, when there is one: `<path?…&cursor=…>; rel="next"` */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        action: "user.update" | "user.promote" | "user.signOut";
                        actor: {
                            /**
                             * @description admin: through this API; cli: `npm run admin`; config: ADMIN_EMAILS at login
                             * @enum {string}
                             */
                            kind: "admin" | "cli" | "config";
                            id: string | null;
                            /** @description null for cli/config, or once the account is deleted */
                            email: string | null;
                        };
                        target: {
                            id: string;
                            email: string | null;
                        };
                        /** @description The changed fields before the change */
                        before: {
                            /** @enum {string} */
                            role?: "user" | "admin";
                            disabled?: boolean;
                            tokenBudgetPerDay?: number | null;
                        };
                        /** @description The same fields after it */
                        after: {
                            /** @enum {string} */
                            role?: "user" | "admin";
                            disabled?: boolean;
                            tokenBudgetPerDay?: number | null;
                        };
                        requestId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                    }[];
                };
            };
            /** @description The request is invalid: a field fails validation (details lists them) or the body is not valid JSON (`VALIDATION_FAILED`, `INVALID_JSON`, `BAD_REQUEST`, `INVALID_LAST_EVENT_ID`, `INVALID_IDEMPOTENCY_KEY`, `PARENT_NOT_ASSISTANT`, `NOTHING_TO_REGENERATE`, `NOT_CONTINUABLE`) */
            400: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_FAILED",
                     *         "message": "The request is invalid: a field fails validation (details lists them) or the body is not valid JSON",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing, invalid, expired or revoked credentials (`UNAUTHENTICATED`, `INVALID_CREDENTIALS`) */
            401: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description `Bearer` (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHENTICATED",
                     *         "message": "Missing, invalid, expired or revoked credentials",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled (`FORBIDDEN_ORIGIN`, `FORBIDDEN`, `ACCOUNT_DISABLED`) */
            403: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN_ORIGIN",
                     *         "message": "Forbidden: the origin is not allowed, the caller is not an administrator, or the account is disabled",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The path exists but not with this method; `Allow` lists the methods it answers (`METHOD_NOT_ALLOWED`) */
            405: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description The methods this path answers */
                    Allow?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "METHOD_NOT_ALLOWED",
                     *         "message": "The path exists but not with this method; `Allow` lists the methods it answers",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unexpected server error (the message never contains internals; quote the requestId) (`INTERNAL`) */
            500: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL",
                     *         "message": "Unexpected server error (the message never contains internals; quote the requestId)",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds (`SERVICE_UNAVAILABLE`, `SERVER_BUSY`, `SEARCH_TIMEOUT`) */
            503: {
                headers: {
                    /** @description Request id (echoed from the request when it is short and plain) */
                    "X-Request-Id"?: string;
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "SERVICE_UNAVAILABLE",
                     *         "message": "The database is unavailable, the server is shutting down or too busy; retry after `Retry-After` seconds",
                     *         "requestId": "3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
