/**
 * The search keys stored with every message (`content`) and chat (`title`): the text's words,
 * normalised so that a search for `cafe`, `Café` or `CAFÉ` finds the same ones, in a `terms`
 * array that a `{ userId: 1, terms: 1 }` multikey index serves (chats.search.ts).
 *
 * Normalisation: lower-cased, then NFKD (compatibility forms such as `ﬁ` or full-width letters
 * become plain ones, accented letters a base letter and a mark) with the combining marks dropped,
 * lower-cased again, then split on every character that is not a letter or a digit (Unicode
 * classes, any script).
 */

/**
 * At most this many distinct words per text, the first ones in reading order: a reply of tens of
 * thousands of words cannot make a document (and its index entries) of that size. A real message
 * rarely has more than a few hundred distinct words; words past the cap are not found by a word
 * search (only by the substring search of a query with punctuation).
 */
export const MAX_TERMS = 1000;

/**
 * A word is kept to its first this many characters (code points). A search word is cut the same
 * way, so a longer word is still found by its first 32 characters.
 */
export const MAX_TERM_CHARS = 32;

const MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
const WORD = /^[\p{L}\p{N}]+$/u;
/**
 * Scripts written without spaces between words: a "word" of theirs is a whole phrase, so a search
 * in them keeps matching anywhere in the text (the substring scan) rather than by word prefix.
 */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

/**
 * Invisible format characters (soft hyphens, zero-width joiners and non-joiners, direction marks,
 * a byte-order mark): inside a word they are no separator, and a search typed without them
 * (Persian writes the non-joiner or not) must find the word all the same.
 */
const FORMAT = /\p{Cf}+/gu;

/**
 * Lower case, compatibility forms decomposed, diacritics dropped; lower case again, since some
 * compatibility forms decompose to capitals (𝐁𝐨𝐥𝐝, ℝ: letters with no lower case of their own).
 * Then folded as Unicode's case folding does where lower case is not enough: the final sigma ς is
 * σ (a word typed in capitals lower-cases to ς at its end, where the word it starts has σ), and ß
 * is ss (its capitals are SS).
 */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(FORMAT, '')
    .toLowerCase()
    .replace(/ς/g, 'σ')
    .replace(/ß/g, 'ss');
}

/**
 * Terms made before the last steps may hold a capital, a final sigma or an ß: matched by the
 * backfill, which makes them again (search-backfill.ts). A pattern MongoDB's and FerretDB's
 * regular expressions both read.
 */
export const TERMS_OF_AN_OLDER_FORM = '[\\p{Lu}ςß]';

const cut = (word: string) =>
  word.length <= MAX_TERM_CHARS ? word : Array.from(word).slice(0, MAX_TERM_CHARS).join('');

/** The search terms of a text: its distinct normalised words, capped (MAX_TERMS, MAX_TERM_CHARS). */
export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const word of normalise(text).split(SEPARATORS)) {
    if (word.length === 0) continue;
    terms.add(cut(word));
    if (terms.size >= MAX_TERMS) break;
  }
  return [...terms];
}

/**
 * The words of a search when it is made of words only (letters and digits, separated by
 * whitespace) — the common case, served by the index; null when it holds anything else
 * (punctuation, code, a script written without spaces), which is searched as literal text.
 */
export function queryWords(q: string): string[] | null {
  if (UNSPACED.test(q)) return null;
  const words = normalise(q)
    .split(/\s+/u)
    .filter((w) => w.length > 0);
  if (words.length === 0 || !words.every((w) => WORD.test(w))) return null;
  return [...new Set(words.map(cut))];
}
