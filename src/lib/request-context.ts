import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the request being served, for every log line written on its behalf — also by services
 * that never see `req` (the model call, the reply store).
 */
export const requestContext = new AsyncLocalStorage<string>();

export const currentRequestId = () => requestContext.getStore();
