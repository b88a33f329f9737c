/**
 * The search keys stored with every message (`content`) and chat (`title`): the text's words,
 * normalised so that a search for `cafe`, `Café` or `CAFÉ` finds the same ones, in a `terms`
 * array that a `{ userId: 1, terms: 1 }` multikey index serves (chats.search.ts).
 *
 * Normalisation: lower-cased, then NFKD (compatibility forms such as `ﬁ` or full-width letters
 * become plain ones, accented letters a base letter and a mark) with the diacritics dropped
 * (DIACRITICS), lower-cased again, a few letters folded as case folding and Arabic search do and
 * digits made ASCII (normalise), then split on every character that is not a letter, a mark or a
 * digit (Unicode classes, any script).
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

/**
 * The combining marks a reader of their script leaves out and expects a search to ignore: the
 * accents of Latin, Greek and Cyrillic (and those of symbols), Hebrew points and cantillation,
 * Arabic harakat (with the hamza and madda over an alef: أ and آ are found by ا, as Arabic is
 * often typed) and the Quran's annotation signs, Church Slavonic titlos, and variation selectors
 * (they change a glyph, not a letter). Every other mark is a letter of its word and stays: the
 * vowel signs and viramas of Devanagari, Bengali, Tamil and the other Brahmic scripts (काम "work"
 * and कम "less" are two words), the nukta (ড় and ড are two letters of Bengali), Thai's and
 * Khmer's vowels and tones.
 *
 * Cyrillic letters that NFKD decomposes fold like accented Latin ones (ё to е, й to и, ї to і):
 * Russian mostly writes ё as е, so a search must find one by the other, and a search for и
 * finding й as well (мой beside мои) costs less than a separate rule for each letter.
 *
 * Marks only: the Hebrew block's maqaf, paseq and sof pasuq are punctuation and still separate
 * words.
 */
const DIACRITICS =
  // eslint-disable-next-line no-misleading-character-class -- each mark is matched on its own
  /[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\p{Variation_Selector}]+/gu;
const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/u;
const WORD = /^[\p{L}\p{M}\p{N}]+$/u;
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
 * Arabic-script letters written two ways for one word, folded as search engines for Arabic and
 * Persian do (Lucene's Arabic and Persian normalisers): the tatweel (ـ, a stretch of the line
 * between letters for justification or emphasis: كـتـاب is كتاب) goes; the alef maksura ى and
 * Persian's ی are the yeh ي, Persian's keheh ک the kaf ك, and the teh marbuta ة the heh ه — a
 * word's final letter typed either way by one writer or another, or by an Arabic keyboard against
 * a Persian one.
 */
const TATWEEL = /\u0640+/gu;
const ARABIC_LETTER_FORMS = /[\u0649\u06cc\u06a9\u0629]/gu;
const ARABIC_LETTER_FOLDS: Record<string, string> = {
  '\u0649': '\u064a',
  '\u06cc': '\u064a',
  '\u06a9': '\u0643',
  '\u0629': '\u0647',
};

/**
 * A digit of any script (Arabic-Indic ٢٠٢٤, Persian ۲۰۲۴, Devanagari २०२४ …) is its ASCII digit, so
 * a year or a number is found however it was typed. Unicode places each script's ten digits in a
 * run from zero to nine, and runs that touch each other are whole runs, so a digit's value is its
 * distance from the start of its run, modulo ten.
 */
const DIGIT = /\p{Nd}/u;
const NON_ASCII_DIGITS = /(?![0-9])\p{Nd}/gu;
function asciiDigit(digit: string): string {
  let start = digit.codePointAt(0)!;
  while (DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((digit.codePointAt(0)! - start) % 10);
}

/**
 * Lower case, compatibility forms decomposed, diacritics dropped; lower case again, since some
 * compatibility forms decompose to capitals (𝐁𝐨𝐥𝐝, ℝ: letters with no lower case of their own).
 * Then folded as Unicode's case folding does where lower case is not enough: the final sigma ς is
 * σ (a word typed in capitals lower-cases to ς at its end, where the word it starts has σ), and ß
 * is ss (its capitals are SS). Last, Arabic-script letter forms and every script's digits are
 * folded (ARABIC_LETTER_FORMS, NON_ASCII_DIGITS).
 */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .replace(FORMAT, '')
    .toLowerCase()
    .replace(/ς/g, 'σ')
    .replace(/ß/g, 'ss')
    .replace(TATWEEL, '')
    .replace(ARABIC_LETTER_FORMS, (letter) => ARABIC_LETTER_FOLDS[letter]!)
    .replace(NON_ASCII_DIGITS, asciiDigit);
}

/**
 * The form of the terms that searchTerms makes, stored beside them (`termsVersion`): raised with
 * every change to what normalise keeps, so that the backfill (search-backfill.ts) makes again the
 * terms stored in an older form, which no search of the new form would find. Absent: made before
 * versions were stored (a capital, a final sigma or an ß kept; every combining mark dropped). 1:
 * the vowel signs of Brahmic and Southeast Asian scripts kept. 2: the tatweel dropped, Arabic and
 * Persian letter forms folded, every script's digits made ASCII.
 */
export const TERMS_VERSION = 2;

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

/** The search keys of a text as every write stores them beside it: its terms and their form. */
export const searchKeys = (text: string): { terms: string[]; termsVersion: number } => ({
  terms: searchTerms(text),
  termsVersion: TERMS_VERSION,
});

/**
 * The words of a search when it is made of words only (letters with their marks and digits,
 * separated by whitespace) — the common case, served by the index; null when it holds anything else
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
