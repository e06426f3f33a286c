// Over-long log text is cut, not refused: a flow that prints a huge line must not lose its whole
// batch of logs, and the marker tells a reader that, and how much, is missing.
import { LIMITS } from "../limits.js";

/** `text` with at most `max` characters kept, then "… [truncated N characters]". */
export function truncateLogText(text: string, max: number = LIMITS.logMessageLength): string {
  if (text.length <= max) return text;
  // never keep half of a surrogate pair (PostgreSQL refuses lone surrogates in text)
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}… [truncated ${(text.length - cut).toLocaleString("en-US")} characters]`;
}
