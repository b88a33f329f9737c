/**
 * Text as clients send it and as it is stored. JavaScript strings are UTF-16: a character past
 * U+FFFF takes two code units (a surrogate pair), and JSON can even carry one of the two alone
 * (`"\ud800"`), which UTF-8, and so the database, cannot store (request bodies holding one are
 * refused: lib/http/body.ts).
 */

/** At most `max` UTF-16 code units of `text`, never ending in half of a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max);
}

/** The last `max` UTF-16 code units of `text` at most, never starting with half of a surrogate pair. */
export function tailText(text: string, max: number): string {
  if (text.length <= max) return text;
  const start = text.length - max;
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start);
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * At most `max` characters of `text`, counted as characterCount counts them (an emoji is one):
 * text cut to a limit in characters, never splitting one. Nor what shows as one: a flag (two
 * regional indicators), an emoji with its skin tone or joined to others (👨‍👩‍👧), a letter with
 * its accents is left whole or out, unless it alone is longer than `max`.
 */
export function cutCharacters(text: string, max: number): string {
  let units = 0;
  for (let kept = 0; kept < max && units < text.length; kept += 1)
    units +=
      isHighSurrogate(text.charCodeAt(units)) && isLowSurrogate(text.charCodeAt(units + 1)) ? 2 : 1;
  if (units >= text.length) return text;
  const start = graphemes.segment(text).containing(units)!.index;
  return text.slice(0, start > 0 ? start : units);
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with each lone half of a surrogate pair replaced by U+FFFD, as UTF-8 (and so the
 * database) stores it (String.prototype.toWellFormed, which ES2023's typings do not have yet).
 */
export const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\ufffd');

/** The first and the second code unit of a surrogate pair. */
export const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
export const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Characters (Unicode code points) in `text`: what request schemas (zod) and JSON Schema's
 * `maxLength` count, so a limit in characters means the same on every route (an emoji is one).
 */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

/**
 * No C0 control character and no DEL, written with `\u` escapes (which JavaScript and Python
 * regular expressions both read) so that it is published as the `pattern` unchanged. Search text
 * is held to it: MongoDB refuses a NUL inside a regex, and no search box sends control characters.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is its job
export const NO_CONTROL_CHARACTERS = new RegExp('^[^\\u0000-\\u001f\\u007f]*$');

/**
 * Text that shows something: at least one character that `trim()` keeps and that is not one of the
 * invisible characters a text of only them would show as empty: the zero-width space, joiner and
 * non-joiner, the word joiner, the Hangul fillers, and the other format characters that show
 * nothing (the soft hyphen, the direction marks, embeddings and isolates, the invisible operators,
 * the Mongolian vowel separator), the variation selectors and the combining grapheme joiner (all
 * but the fillers are what search drops as well: search-terms.ts). JavaScript's `\s` is exactly
 * what `trim()` removes; U+FEFF is named too because other regex engines (Python's, which
 * schemathesis generates from) do not count it as whitespace. BMP `\u` escapes only, which both
 * engines read. Published as the `pattern`.
 */
export const NOT_BLANK =
  // eslint-disable-next-line no-misleading-character-class -- each mark is matched on its own
  /[^\s\uFEFF\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFFA0]/;

/**
 * Whether a message has text to send the model: a reply of only whitespace (a model that answered
 * "\n\n") is left out of the history as an empty one is; some providers refuse an assistant turn
 * without text, which would fail every later send of the chat.
 */
export const hasText = (text: string): boolean => NOT_BLANK.test(text);
