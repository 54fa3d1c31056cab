/**
 * SMI regexes (RE2) → the regex sources the sidecar evaluates. The proxy compiles
 * `RouteMatch.path_regex` as `^(?:source)` and `HeaderMatch.value_regex` as `^(?:source)$` with
 * JavaScript's RegExp and no flags, so the control plane sends a flag-free JavaScript source that
 * means what the RE2 pattern means under SMI:
 *
 * - the RE2 syntax JavaScript lacks is translated by src/smi (`(?P<n>`, `\A`, `\z`, POSIX classes);
 * - a leading `(?i)` becomes explicit case classes (`a` → `[aA]`), `(?s)` turns `.` into `[\s\S]`,
 *   `(?m)` is dropped (paths and header values are single lines, where it changes nothing);
 * - header regexes match anywhere in the value (Go `MatchString`), so they are wrapped in
 *   `[\s\S]*(?:…)[\s\S]*` to survive the proxy's full match; `^`/`$` inside keep their meaning.
 *
 * Unicode classes (`\pL`) need RegExp's `u` flag, which the proxy does not set: such patterns are
 * refused when the resource is applied.
 * @module
 */
import { translateRe2 } from '../../smi/index.js';

/** ProxyRegex is the source to send, or why the pattern cannot be sent. */
export type ProxyRegex = { ok: true; source: string } | { ok: false; reason: string };

/** proxyPathRegex converts an SMI `pathRegex` (the proxy anchors it at the start itself). */
export function proxyPathRegex(pattern: string): ProxyRegex {
  return convert(pattern);
}

/** proxyHeaderRegex converts an SMI header value regex into a source the proxy full-matches. */
export function proxyHeaderRegex(pattern: string): ProxyRegex {
  const converted = convert(pattern);
  return converted.ok ? { ok: true, source: `[\\s\\S]*(?:${converted.source})[\\s\\S]*` } : converted;
}

function convert(pattern: string): ProxyRegex {
  const translated = translateRe2(pattern);
  if ('reason' in translated) return { ok: false, reason: translated.reason };
  const { flags } = translated;
  if (flags.includes('u'))
    return { ok: false, reason: 'Unicode classes (\\p…) are not supported by the sidecar' };
  const source = rewrite(translated.source, flags.includes('i'), flags.includes('s'));
  try {
    new RegExp(`^(?:${source})`);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return { ok: true, source };
}

const isLetter = (c: string | undefined): c is string => c !== undefined && /^[A-Za-z]$/.test(c);
const swapCase = (c: string): string => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** escapeLength is how many characters the escape at `i` (a backslash) spans in JavaScript source. */
function escapeLength(src: string, i: number): number {
  const n = src[i + 1];
  if (n === 'x') return 4;
  if (n === 'c') return 3;
  if ((n === 'u' || n === 'p' || n === 'P') && src[i + 2] === '{') return src.indexOf('}', i) - i + 1;
  if (n === 'u') return 6;
  return 2;
}

/** rewrite applies case folding (`i`) and dot-all (`s`) to a JavaScript regex source. */
function rewrite(src: string, fold: boolean, dotAll: boolean): string {
  if (!fold && !dotAll) return src;
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const len = escapeLength(src, i);
      out += src.slice(i, i + len);
      i += len - 1;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
      } else if (fold && isLetter(c) && src[i + 1] === '-' && isLetter(src[i + 2])) {
        const end = src[i + 2]!;
        const sameCase = (c === c.toLowerCase()) === (end === end.toLowerCase());
        out += `${c}-${end}${sameCase ? `${swapCase(c)}-${swapCase(end)}` : ''}`;
        i += 2;
      } else if (fold && isLetter(c) && src[i + 1] === '-' && src[i + 2] !== ']') {
        out += `${c}-`; // a range to a non-letter: keep it as written
        i += 1;
      } else {
        out += fold && isLetter(c) ? `${c}${swapCase(c)}` : c;
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      continue;
    }
    if (c === '(' && src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const end = src.indexOf('>', i);
      out += src.slice(i, end + 1); // a group name is not matched text
      i = end;
      continue;
    }
    if (dotAll && c === '.') out += '[\\s\\S]';
    else if (fold && isLetter(c)) out += `[${c}${swapCase(c)}]`;
    else out += c;
  }
  return out;
}
