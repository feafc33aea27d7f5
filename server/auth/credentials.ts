import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's minimum (19 MiB, 2 passes): ~13 ms a hash on these machines.
// algorithm 2 is Argon2id (a const enum in the typings, which isolated modules can't read).
const argon2Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const passwordRule = { min: 10, max: 256 };

export function passwordProblem(password: string): string | undefined {
  // Characters as a person counts them (code points): five emoji are five characters, not ten.
  const length = [...password].length;
  if (length < passwordRule.min) return `A password needs at least ${passwordRule.min} characters.`;
  if (length > passwordRule.max) return `A password can have at most ${passwordRule.max} characters.`;
  if (/^(.)\1*$/.test(password)) return 'A password can not be one character repeated.';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

// Verifying against a fixed hash when the account doesn't exist keeps the answer time the same either way.
const absentUserHash = hash('no such user: constant-time filler', argon2Options);

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await absentUserHash), password);
  } catch {
    return false;
  }
}

/** A random secret for cookies and API tokens; only its SHA-256 is stored. */
export function randomSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
