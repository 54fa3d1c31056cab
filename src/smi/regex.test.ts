import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRe2, translateRe2 } from './regex.js';

test('RE2-only syntax is translated to JavaScript', () => {
  assert.deepEqual(translateRe2('(?P<id>[a-z]+)'), { source: '(?<id>[a-z]+)', flags: '' });
  assert.deepEqual(translateRe2('(?is)abc'), { source: 'abc', flags: 'is' });
  assert.deepEqual(translateRe2('\\Aabc\\z'), { source: '^abc$(?![\\s\\S])', flags: '' });
  assert.deepEqual(translateRe2('[[:alpha:]_]+'), { source: '[A-Za-z_]+', flags: '' });
  assert.deepEqual(translateRe2('[]a]'), { source: '[\\]a]', flags: '' });
  assert.deepEqual(translateRe2('\\pL+'), { source: '\\pL+', flags: 'u' });
  assert.deepEqual(translateRe2('\\101'), { source: '\\101', flags: '' }); // octal, not a backreference
  assert.deepEqual(translateRe2('[(?=]'), { source: '[(?=]', flags: '' }); // inside a class it is literal
});

test('constructs RE2 lacks are rejected with a reason', () => {
  const reasons: [string, RegExp][] = [
    ['a(?=b)', /lookahead/],
    ['a(?!b)', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?<!a)b', /lookbehind/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /named backreference/],
    ['(?>a)', /atomic/],
    ['a(?i)b', /inline flags/],
    ['(?U)a+', /ungreedy/],
    ['\\Qa.b\\E', /\\Q/],
    ['[[:foo:]]', /unknown POSIX class/],
    ['[abc', /missing closing \]/],
  ];
  for (const [pattern, reason] of reasons) {
    const result = compileRe2(pattern);
    assert.ok(!result.ok && reason.test(result.reason), `${pattern}: ${JSON.stringify(result)}`);
  }
  const bad = compileRe2('(a');
  assert.ok(!bad.ok && /Unterminated group/.test(bad.reason), JSON.stringify(bad));
});

test('anchored compilation matches prefixes only', () => {
  const r = compileRe2('/api|/v2', true);
  assert.ok(r.ok);
  assert.equal(r.regexp.test('/v2/x'), true);
  assert.equal(r.regexp.test('/x/v2'), false);
});
