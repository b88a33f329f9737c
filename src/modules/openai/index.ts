/** Public entry of the OpenAI-compatible /v1 module. */
export { openAiRoutes } from './openai.routes.js';
export { openAiFallbacks } from './openai.errors.js';
