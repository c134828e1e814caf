import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** GitHub's payload cap: larger events are never delivered, so a larger body is not from GitHub. */
export const GITHUB_PAYLOAD_CAP_BYTES = 25 * 1024 * 1024;

/**
 * Reads the request body as raw bytes (signatures are computed over the bytes, not over re-serialised JSON).
 * More than `limitBytes` (by Content-Length or as counted) is refused with 413 `BODY_TOO_LARGE` without buffering the rest.
 */
export function readRawBody(req: IncomingMessage, limitBytes: number = GITHUB_PAYLOAD_CAP_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  // A body parser mounted before this route would have drained the stream, and 'end' would never come again.
  if (req.readableEnded) return Promise.reject(new Error('the request body was already read by an earlier middleware'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      chunks.length = 0;
      // Keep the stream flowing with no listener: the rest is discarded, not buffered, and the client still gets the 413
      // (destroying the request would cut the connection before the answer).
      req.resume();
      reject(tooLarge(limitBytes));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('request aborted by the client'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `request body is larger than ${limitBytes} bytes`);
}
