/**
 * The text of a company's API key: `ds_sk_<companyId>_<32 random characters>` for a secret
 * key, `ds_pk_…` for a publishable one. The text names its kind and its company, so that
 * checking a key is one lookup on that company's shard group, and a key of company A sent
 * for company B is refused without reading anything of B. The random part is 32 characters
 * of [0-9A-Za-z] drawn uniformly: 190 bits.
 *
 * Only the key's SHA-256 is stored. A key is random and long, so a fast hash is enough
 * (there is nothing to guess from it), and looking it up by hash means the time a lookup
 * takes says nothing about the key's text.
 */
import { createHash, randomInt } from 'node:crypto';

export const KEY_KINDS = ['secret', 'publishable'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

const CODE: Record<KeyKind, string> = { secret: 'sk', publishable: 'pk' };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
/** The random characters a key's visible prefix keeps. */
const PREFIX_RANDOM = 4;

/** Any text shaped like a key: what a log line must never hold (test/support checks it). */
export const KEY_PATTERN = /ds_(sk|pk)_([1-9]\d{0,15})_([0-9A-Za-z]{32})/;
const WHOLE_KEY = new RegExp(`^${KEY_PATTERN.source}$`);

export interface KeyText {
  kind: KeyKind;
  companyId: number;
  /** SHA-256 of the whole text, as stored. */
  hash: Buffer;
}

/** A new key's text for a company. */
export function newKeyText(companyId: number, kind: KeyKind): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i += 1) random += ALPHABET[randomInt(ALPHABET.length)];
  return `ds_${CODE[kind]}_${companyId}_${random}`;
}

export const keyHash = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The part of a key that may be shown and stored: kind, company and the first random characters. */
export function keyPrefix(text: string): string {
  return text.slice(0, text.lastIndexOf('_') + 1 + PREFIX_RANDOM);
}

/** The kind, company and hash of a key's text; undefined for text that is not a key. */
export function readKeyText(text: string): KeyText | undefined {
  const match = WHOLE_KEY.exec(text);
  if (!match) return undefined;
  const companyId = Number(match[2]);
  if (!Number.isSafeInteger(companyId)) return undefined;
  return { kind: match[1] === 'sk' ? 'secret' : 'publishable', companyId, hash: keyHash(text) };
}
