import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { usageError } from './exit-codes.ts';

/** Where a payload argument's text is: inline, `@file`, or `-` for stdin. */
async function payloadText(
  argument: string,
  what: string,
): Promise<{ body: string; from?: string }> {
  if (argument === '-') return { body: await text(process.stdin), from: 'stdin' };
  if (!argument.startsWith('@')) return { body: argument };
  const file = argument.slice(1);
  try {
    return { body: readFileSync(file, 'utf8'), from: file };
  } catch (error) {
    throw usageError(`${what}: cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * The payload argument of `pub`, `request` and `send`: JSON text, `@file` (JSON read from a
 * file) or `-` (JSON read from stdin). With `asText` the text itself is the payload (one
 * final newline of a file or stdin dropped). No argument is `null`.
 */
export async function readPayload(
  argument: string | undefined,
  options: { asText?: boolean; what: string },
): Promise<unknown> {
  if (argument === undefined) return null;
  const { body, from } = await payloadText(argument, options.what);
  if (options.asText) return from ? body.replace(/\r?\n$/, '') : body;
  return parseJson(body, from ? `${options.what} (from ${from})` : options.what);
}

export function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw usageError(
      `${what} is not JSON (${(error as Error).message}); quote text as '"text"' or pass --text`,
    );
  }
}
