import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

let encoder: Tiktoken | undefined;

/**
 * Length of `text` in cl100k_base tokens, the tokenizer of OpenAI's text-embedding-3 and ada-002 models. The
 * encoder is built on first use (about 100 ms of rank parsing), not at import, so tools that never chunk do not pay.
 */
export function countTokens(text: string): number {
  if (text === '') return 0;
  encoder ??= new Tiktoken(cl100kBase);
  return encoder.encode(text).length;
}

/**
 * True when `text` has at most `budget` tokens. Every cl100k token covers at least one UTF-8 byte and a UTF-16 code
 * unit is at most 3 bytes, so short texts are answered without running the tokenizer, the slow part of chunking.
 */
export function fitsTokens(text: string, budget: number): boolean {
  if (text.length * 3 <= budget) return true;
  return countTokens(text) <= budget;
}

/**
 * A cheap guess of `countTokens(text)`, used only to aim chunks at a size, never to enforce a cap: cl100k averages
 * about 4 characters per token on English prose and Markdown, and about one token per character on CJK and most other
 * non-Latin scripts. On pino's documentation it is within a factor of 1.7 on every paragraph (code and URLs run over).
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x80) ascii++;
  return Math.ceil(ascii / 4) + (text.length - ascii);
}
