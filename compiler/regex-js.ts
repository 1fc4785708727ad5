/**
 * Whether JavaScript itself accepts a regular expression: upstream builds it with the engine's
 * own RegExp (a literal when the rule is loaded, a `match` string when the call runs), so its
 * verdict is the engine's. Constructing a RegExp only parses it; nothing is matched here.
 */
import { errorText } from '../grammar/index.js';

export function jsRegexError(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (e) {
    // "Invalid regular expression: /[/: Unterminated character class" → "unterminated character class"
    const message = errorText(e);
    const detail = message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '').replace(/^Invalid flags supplied to RegExp constructor '[^']*'$/, 'invalid flags');
    return detail.charAt(0).toLowerCase() + detail.slice(1);
  }
}
