/**
 * SMI regexes (HTTPRouteGroup `pathRegex` and header values) are Go RE2 syntax. This module checks
 * a pattern for constructs RE2 lacks (lookaround, backreferences), translates the RE2-only syntax
 * JavaScript lacks (`(?P<name>`, leading `(?i)`-style flags, `\A`, `\z`, POSIX classes), and
 * compiles the result with JavaScript's RegExp, so a pattern the mesh accepts means the same as it
 * would in a Go implementation.
 * @module
 */

/** Re2Result is either a compiled RegExp or the reason the pattern was rejected. */
export type Re2Result = { ok: true; regexp: RegExp } | { ok: false; reason: string };

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * translateRe2 rewrites an RE2 pattern into JavaScript source and flags, or explains which RE2
 * rule it breaks. It walks the pattern once, tracking escapes and character classes.
 */
export function translateRe2(pattern: string): { source: string; flags: string } | { reason: string } {
  let flags = '';
  let body = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    if (leading[1]!.includes('U')) return { reason: 'the (?U) ungreedy flag has no JavaScript equivalent' };
    flags = [...new Set(leading[1]!)].join('');
    body = body.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const rest = body.slice(i);
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined) return { reason: 'trailing backslash' };
      if (!inClass && /[1-9]/.test(next) && !/^[0-7]/.test(body[i + 2] ?? '')) {
        return { reason: `backreference \\${next} (RE2 has no backreferences)` };
      }
      if (next === 'k' && body[i + 2] === '<')
        return { reason: 'named backreference \\k<…> (RE2 has no backreferences)' };
      if (next === 'Q') return { reason: '\\Q…\\E quoting is not supported; escape the characters instead' };
      if (!inClass && next === 'A') {
        out += '^';
      } else if (!inClass && next === 'z') {
        out += '$(?![\\s\\S])';
      } else {
        out += c + next;
      }
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (posix) {
        const chars = POSIX_CLASSES[posix[2]!];
        if (!chars) return { reason: `unknown POSIX class [:${posix[2]}:]` };
        if (posix[1]) return { reason: `negated POSIX class [:^${posix[2]}:] is not supported; use [^…]` };
        out += chars;
        i += posix[0].length - 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (body[i + 1] === '^') out += body[++i];
      if (body[i + 1] === ']') out += '\\' + body[++i]; // a leading ] is a literal in RE2
      continue;
    }
    if (rest.startsWith('(?=') || rest.startsWith('(?!'))
      return { reason: 'lookahead (?=…)/(?!…) (RE2 has no lookaround)' };
    if (rest.startsWith('(?<=') || rest.startsWith('(?<!'))
      return { reason: 'lookbehind (?<=…)/(?<!…) (RE2 has no lookaround)' };
    if (rest.startsWith('(?>')) return { reason: 'atomic group (?>…) (not in RE2)' };
    if (rest.startsWith('(?P<')) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (/^\(\?[a-zA-Z-]*[:)]/.test(rest) && !rest.startsWith('(?:')) {
      return { reason: 'inline flags are only supported at the start of the pattern, e.g. (?i)abc' };
    }
    out += c;
  }
  if (inClass) return { reason: 'missing closing ]' };
  if (/\\[pP]/.test(out)) flags += 'u';
  return { source: out, flags };
}

/**
 * compileRe2 compiles an SMI regex. `anchored` adds the start anchor SMI puts on `pathRegex`
 * (a path matches when the regex matches a prefix of it).
 */
export function compileRe2(pattern: string, anchored = false): Re2Result {
  const translated = translateRe2(pattern);
  if ('reason' in translated) return { ok: false, reason: translated.reason };
  try {
    const source = anchored ? `^(?:${translated.source})` : translated.source;
    return { ok: true, regexp: new RegExp(source, translated.flags) };
  } catch (error) {
    const why =
      error instanceof Error
        ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')
        : String(error);
    return { ok: false, reason: why };
  }
}
