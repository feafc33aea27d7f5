import { httpError } from './errors';

/** The import document is five levels deep; nothing the API takes comes close to this. */
export const maxJsonDepth = 32;

// A key can only be spelled one of these ways in JSON text (`\u` escapes included).
const forbiddenKeyHints = ['__proto__', 'prototype', '\\u'];

/**
 * How deeply arrays and objects nest in a JSON text, counted without parsing it, and stopping as soon as
 * `limit` is passed: a deeply nested body is refused before anything recursive ever sees it.
 */
export function exceedsNesting(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string is skipped whole: its closing quote is the next one not escaped by an odd run of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return false; // unterminated: JSON.parse refuses it
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The path of the first key that could reach an object's prototype (`__proto__`, `constructor.prototype`). */
function forbiddenKeyPath(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '__proto__') return here;
    if (
      key === 'constructor' &&
      typeof child === 'object' &&
      child !== null &&
      Object.hasOwn(child, 'prototype')
    )
      return `${here}.prototype`;
    const found = forbiddenKeyPath(child, here);
    if (found) return found;
  }
  return undefined;
}

/**
 * Parses a JSON request body: at most `maxJsonDepth` levels deep, and without keys that reach a prototype.
 * Every refusal is a 400 that says what was wrong.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0)
    throw httpError(400, 'invalid_request', 'The request body is empty; send a JSON document.');
  if (exceedsNesting(text, maxJsonDepth)) {
    throw httpError(
      400,
      'invalid_request',
      `The JSON body nests arrays and objects more than ${maxJsonDepth} levels deep.`,
      { maxDepth: maxJsonDepth },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw httpError(
      400,
      'invalid_request',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  // Only a text that mentions such a key is walked, so ordinary bodies cost nothing more.
  if (forbiddenKeyHints.some((hint) => text.includes(hint))) {
    const path = forbiddenKeyPath(value, '');
    if (path)
      throw httpError(400, 'invalid_request', `The JSON body has the key ${path}, which is not allowed.`, [
        { path, message: 'is not allowed' },
      ]);
  }
  return value;
}
