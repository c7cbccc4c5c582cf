import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './status';

const MAX_BODY = 16 * 1024 * 1024;

/** The raw request body (at most 16 MiB). */
export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(
        413,
        'RequestEntityTooLarge',
        'the request body is too large',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request body decoded as JSON or YAML (by its content type). */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const raw = (await readRaw(req)).toString('utf8');
  if (!raw.trim()) throw badRequest('the request body is empty');
  const type = (req.headers['content-type'] ?? 'application/json')
    .split(';')[0]
    .trim();
  try {
    return type.includes('yaml') ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw badRequest(
      `error decoding the request body: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/** Answer with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Answer with a plain-text body. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
