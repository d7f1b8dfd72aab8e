import { compileJavaDatePattern } from './java-date-format.js';

const stamp = compileJavaDatePattern('yyyy-MM-dd-HH-mm-ss');

/** Firehose's object key: `<prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><ext>` (UTC). */
export function objectKey(parts: { prefix: string; stream: string; version: number; at: Date; uuid: string; extension: string }): string {
  return `${parts.prefix}${parts.stream}-${parts.version}-${stamp(parts.at)}-${parts.uuid}${parts.extension}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `!{firehose:random-string}`: 11 alphanumeric characters drawn from `random` (injectable for seeded runs). */
export function randomString(random: () => number): string {
  let out = '';
  for (let i = 0; i < 11; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}
