import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isEmbedderUnavailableError } from '../embed/embedder-unavailable-error.ts';
import type { Logger } from '../log/logger.ts';
import { isStoreUnavailableError } from '../stores/store-errors.ts';
import { isToolInputError } from './tool-input-error.ts';

/**
 * Runs a tool's work and answers with its structured content (and the same JSON as text, for clients that read only
 * text: the MCP spec's advice for structured results). A bad argument or an outage is a tool error with one sentence
 * (`isError`), which the model can read and act on; anything else is logged and answered without its stack.
 */
export async function runTool<T extends Record<string, unknown>>(tool: string, logger: Logger, work: () => Promise<T>): Promise<CallToolResult> {
  try {
    const structured = await work();
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
  } catch (error) {
    return toolError(errorSentence(tool, logger, error));
  }
}

/** A tool error answer: one sentence for the model. */
export function toolError(sentence: string): CallToolResult {
  return { content: [{ type: 'text', text: sentence }], isError: true };
}

function errorSentence(tool: string, logger: Logger, error: unknown): string {
  if (isToolInputError(error)) return error.message;
  if (isEmbedderUnavailableError(error)) return 'The embedder is unreachable; retry later.';
  if (isStoreUnavailableError(error)) return `The ${error.store} store is unreachable; retry later.`;
  logger.error('mcp tool failed', { tool, error });
  return `${tool} failed inside inlet (${error instanceof Error ? error.name : 'error'}); the service log has the details.`;
}
