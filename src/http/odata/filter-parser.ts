import { DomainError } from '../../domain/errors.js';
import type { CompareOp } from '../../ports/filter.js';
import { tryParseWireDateTime } from './wire-time.js';

/**
 * A literal as written on the wire, before it is bound to a property. Datetimes keep their text
 * because only the property's type says whether it is an instant or a time of day.
 */
export type WireLiteral =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number; raw: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'datetime'; raw: string }
  | { type: 'guid'; value: string };

export type WireExpr =
  | { kind: 'compare'; op: CompareOp; property: string; value: WireLiteral }
  | { kind: 'and' | 'or'; left: WireExpr; right: WireExpr }
  | { kind: 'not'; expr: WireExpr };

/** Longer input is refused before any work so a request cannot make the server tokenize megabytes. */
export const MAX_FILTER_LENGTH = 4096;
/**
 * Parentheses and `not` are the only constructs that recurse in the parser; `and`/`or` chains are
 * built in a loop. With the length limit this bounds the tree depth for every later tree walk too.
 */
export const MAX_FILTER_DEPTH = 64;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };
const OPS_TEXT = 'a comparison operator (eq, ne, gt, ge, lt, le)';
const TYPED_PREFIXES = ['datetime', 'datetimeoffset', 'guid'];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', ...COMPARE_OPS]);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

type Token =
  | { t: 'ident'; text: string; pos: number; end: number }
  | { t: 'literal'; value: WireLiteral; text: string; pos: number; end: number }
  | { t: '(' | ')' | ','; text: string; pos: number; end: number }
  | { t: 'end'; text: ''; pos: number; end: number };

function fail(message: string, pos: number, input: string): never {
  const where = pos >= input.length ? `at end of input (position ${pos})` : `at position ${pos}`;
  throw new DomainError('BadRequest', `$filter: ${message} ${where}`, { parameter: '$filter', position: pos });
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Quotes a bit of the input for a message without echoing kilobytes of it back. */
function shown(text: string): string {
  return `'${clip(text)}'`;
}

/** A token for a message; quoted literals already carry their quotes. */
function showToken(tok: Token): string {
  return tok.text.includes("'") ? clip(tok.text) : shown(tok.text);
}

/** `, found 'x'` for a token, nothing at the end where the position already says so. */
function found(tok: Token): string {
  return tok.t === 'end' ? '' : `, found ${showToken(tok)}`;
}

/** Reads a quoted run starting at the quote at `start`; `''` stands for one quote. */
function readQuoted(input: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const q = input.indexOf("'", i);
    if (q < 0) fail('unterminated quoted text starting', start, input);
    value += input.slice(i, q);
    if (input[q + 1] === "'") {
      value += "'";
      i = q + 2;
    } else {
      return { value, end: q + 1 };
    }
  }
}

function readNumber(input: string, start: number): Token {
  let i = start;
  if (input[i] === '-') i++;
  const intStart = i;
  while (i < input.length && DIGIT.test(input[i]!)) i++;
  if (i === intStart) fail("expected digits after '-'", start, input);
  if (input[i] === '.') {
    const fracStart = ++i;
    while (i < input.length && DIGIT.test(input[i]!)) i++;
    if (i === fracStart) fail("expected digits after the decimal point in a number", start, input);
  }
  const next = input[i];
  if (next !== undefined && IDENT_PART.test(next)) {
    if (/[LlMmDdFfEe]/.test(next)) {
      fail(`number suffixes and exponents are not supported (write plain digits) in ${shown(input.slice(start, i + 1))}`, start, input);
    }
    fail(`unexpected ${shown(next)} after the number ${shown(input.slice(start, i))}`, i, input);
  }
  const raw = input.slice(start, i);
  const value = Number(raw);
  if (!Number.isFinite(value)) fail(`the number ${shown(raw)} is too large`, start, input);
  return { t: 'literal', value: { type: 'number', value, raw }, text: raw, pos: start, end: i };
}

function readWord(input: string, start: number): Token {
  let i = start + 1;
  while (i < input.length && IDENT_PART.test(input[i]!)) i++;
  // A property path such as FIMRequestID/Value: segments joined by slashes with no spaces.
  while (input[i] === '/' && i + 1 < input.length && IDENT_START.test(input[i + 1]!)) {
    i += 2;
    while (i < input.length && IDENT_PART.test(input[i]!)) i++;
  }
  if (input[i] === '/') fail("expected a property name after '/'", i + 1, input);
  const word = input.slice(start, i);
  // `eq'x'` is an operator followed by a string, not a typed literal, however tightly it is written.
  if (input[i] === "'" && !KEYWORDS.has(word)) return readTypedLiteral(input, start, word, i);
  switch (word) {
    case 'true':
    case 'false':
      return { t: 'literal', value: { type: 'boolean', value: word === 'true' }, text: word, pos: start, end: i };
    case 'null':
      return { t: 'literal', value: { type: 'null' }, text: word, pos: start, end: i };
    default:
      return { t: 'ident', text: word, pos: start, end: i };
  }
}

function readTypedLiteral(input: string, start: number, prefix: string, quote: number): Token {
  const kind = prefix.toLowerCase();
  if (!TYPED_PREFIXES.includes(kind)) {
    fail(`unsupported typed literal ${shown(prefix)} (supported: datetime'...', datetimeoffset'...', guid'...')`, start, input);
  }
  const { value: body, end } = readQuoted(input, quote);
  const text = input.slice(start, end);
  if (kind === 'guid') {
    if (!GUID.test(body)) fail(`${clip(text)} is not a GUID (expected 8-4-4-4-12 hexadecimal digits)`, start, input);
    return { t: 'literal', value: { type: 'guid', value: body.toLowerCase() }, text, pos: start, end };
  }
  const parsed = tryParseWireDateTime(body);
  if (!parsed.ok) fail(`${clip(text)} is not a valid date and time (${parsed.reason})`, start, input);
  return { t: 'literal', value: { type: 'datetime', raw: body }, text, pos: start, end };
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      // Commas belong to function calls, which the parser names in its refusal.
      tokens.push({ t: c, text: c, pos: i, end: i + 1 });
      i++;
    } else if (c === "'") {
      const { value, end } = readQuoted(input, i);
      tokens.push({ t: 'literal', value: { type: 'string', value }, text: input.slice(i, end), pos: i, end });
      i = end;
    } else if (c === '-' || DIGIT.test(c)) {
      const tok = readNumber(input, i);
      tokens.push(tok);
      i = tok.end;
    } else if (IDENT_START.test(c)) {
      const tok = readWord(input, i);
      tokens.push(tok);
      i = tok.end;
    } else {
      // codePointAt keeps an astral character whole in the message.
      fail(`unexpected character ${shown(String.fromCodePoint(input.codePointAt(i)!))}`, i, input);
    }
  }
  tokens.push({ t: 'end', text: '', pos: input.length, end: input.length });
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly input: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): WireExpr {
    const first = this.peek();
    if (first.t === 'end') fail("expected a condition such as DisplayName eq 'x'", first.pos, this.input);
    const expr = this.parseOr();
    const rest = this.peek();
    if (rest.t !== 'end') {
      const message = rest.t === ')' ? "unmatched ')'" : `expected 'and', 'or' or the end of the filter${found(rest)}`;
      fail(message, rest.pos, this.input);
    }
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const tok = this.tokens[this.i]!;
    if (tok.t !== 'end') this.i++;
    return tok;
  }

  private isWord(tok: Token, word: string): boolean {
    return tok.t === 'ident' && tok.text === word;
  }

  private parseOr(): WireExpr {
    let left = this.parseAnd();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): WireExpr {
    let left = this.parseUnary();
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      fail(`the filter nests parentheses or 'not' more than ${MAX_FILTER_DEPTH} deep`, pos, this.input);
    }
  }

  private parseUnary(): WireExpr {
    const tok = this.peek();
    if (this.isWord(tok, 'not')) {
      this.next();
      this.enter(tok.pos);
      const expr = this.parseUnary();
      this.depth--;
      return { kind: 'not', expr };
    }
    if (tok.t === '(') {
      this.next();
      this.enter(tok.pos);
      const expr = this.parseOr();
      this.depth--;
      const close = this.next();
      if (close.t === 'end') fail(`the '(' at position ${tok.pos} is never closed`, close.pos, this.input);
      if (close.t !== ')') fail(`expected ')' to close the '(' at position ${tok.pos}${found(close)}`, close.pos, this.input);
      return expr;
    }
    return this.parseComparison();
  }

  private parseComparison(): WireExpr {
    const left = this.operand('a property name or a value');
    const opTok = this.next();
    if (opTok.t !== 'ident' || !COMPARE_OPS.has(opTok.text)) {
      const upper = opTok.t === 'ident' && COMPARE_OPS.has(opTok.text.toLowerCase()) ? ' (operators are lower-case)' : '';
      fail(`expected ${OPS_TEXT} after ${showToken(left)}${found(opTok)}${upper}`, opTok.pos, this.input);
    }
    const op = opTok.text as CompareOp;
    const right = this.operand(`a value after '${op}'`);
    if (left.t === 'ident' && right.t === 'literal') {
      return { kind: 'compare', op, property: left.text, value: right.value };
    }
    if (left.t === 'literal' && right.t === 'ident') {
      // `5 lt TTL` says the same as `TTL gt 5`; the neutral tree always has the property on the left.
      return { kind: 'compare', op: FLIPPED[op], property: right.text, value: left.value };
    }
    if (left.t === 'ident') {
      fail(`comparing two properties (${showToken(left)} and ${showToken(right)}) is not supported; compare a property with a value`, left.pos, this.input);
    }
    fail(`a comparison needs a property on one side; ${showToken(left)} and ${showToken(right)} are both values`, left.pos, this.input);
  }

  private operand(expected: string): Extract<Token, { t: 'ident' | 'literal' }> {
    const tok = this.next();
    if (tok.t === 'literal') return tok;
    if (tok.t === 'ident') {
      if (this.peek().t === '(') fail(`functions such as ${shown(tok.text)} are not supported`, tok.pos, this.input);
      if (KEYWORDS.has(tok.text)) {
        fail(`expected ${expected}, found the keyword ${shown(tok.text)}`, tok.pos, this.input);
      }
      return tok;
    }
    fail(`expected ${expected}${found(tok)}`, tok.pos, this.input);
  }
}

/**
 * Parses OData v3 `$filter` text: comparisons joined by `and`, `or`, `not` and parentheses.
 * Every problem with the text is a DomainError('BadRequest') naming the problem and its 0-based
 * character position.
 */
export function parseFilter(text: string): WireExpr {
  if (typeof text !== 'string') throw new DomainError('BadRequest', '$filter: must be text', { parameter: '$filter' });
  if (text.length > MAX_FILTER_LENGTH) {
    throw new DomainError('BadRequest', `$filter: is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}`, {
      parameter: '$filter',
    });
  }
  return new Parser(text, tokenize(text)).parse();
}
