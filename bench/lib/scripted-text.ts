/** The text the scripted upstream streams, so a client can check a reply against it. */
const WORDS = 'the quick brown fox jumps over a lazy dog while streaming tokens arrive one by one ';

/** Content piece `i` of a reply (`size` characters). */
export function piece(i: number, size: number): string {
  const start = (i * 7) % WORDS.length;
  let out = '';
  while (out.length < size) out += WORDS.slice(start) + WORDS;
  return out.slice(0, size);
}

/** The whole reply text of a script: its pieces, in order. */
export const scriptedText = (chunks: number, size: number): string =>
  Array.from({ length: chunks }, (_, i) => piece(i, size)).join('');
