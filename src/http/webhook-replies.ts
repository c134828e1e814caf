import type { Context } from 'koa';
import { isQueueUnavailableError } from '../actors/queue/queue-errors.ts';
import { HttpError } from './http-error.ts';

/** A parsed JSON object body. */
export type Json = Record<string, unknown>;

/** How long a refused sender should wait before redelivering (seconds, as the Retry-After header carries it). */
export const RETRY_AFTER_SECONDS = '60';

/** Sets a JSON answer. */
export function answer(ctx: Context, status: number, body: Json): void {
  ctx.status = status;
  ctx.body = body;
}

/**
 * Refuses a delivery for now: 503 with Retry-After, so the sender shows it as failed and redelivers later (and the
 * connector's next poll finds the change regardless).
 */
export function refuseForNow(ctx: Context, code: string, message: string): never {
  ctx.set('Retry-After', RETRY_AFTER_SECONDS);
  throw new HttpError(503, code, message);
}

/** Runs a call to Redis or SQLite; when it is unreachable the error middleware answers 503, with this hint added. */
export async function withRetryAfter<T>(ctx: Context, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isQueueUnavailableError(error)) ctx.set('Retry-After', RETRY_AFTER_SECONDS);
    throw error;
  }
}

/** The body as a JSON object, or undefined when it is not valid JSON or not an object. */
export function parseJsonObject(raw: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
