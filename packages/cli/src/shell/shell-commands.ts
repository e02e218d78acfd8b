/**
 * The commands the shell runs itself instead of sending them to the node:
 * HELP, EXIT/QUIT, EXPAND, PAGING, CONSISTENCY, DESCRIBE/DESC. Like cqlsh,
 * they end at the end of their line (a `;` is optional), and their words
 * are case-insensitive; names in them follow CQL (unquoted names fold to
 * lower case, `"Quoted"` ones do not).
 */
import type { ConsistencyLevel } from '@ringtail/node';
import { CONSISTENCY_LEVELS, MAX_PAGE_SIZE_ROWS } from './constants.js';

/** First words that make a statement a shell command (lower case); the splitter ends these at the line's end. */
export const SHELL_COMMAND_WORDS: ReadonlySet<string> = new Set([
  'help',
  'exit',
  'quit',
  'expand',
  'paging',
  'consistency',
  'describe',
  'desc',
]);

export type DescribeTarget =
  | { readonly kind: 'keyspaces' }
  | { readonly kind: 'tables' }
  | { readonly kind: 'cluster' }
  /** Every keyspace's CREATE statements; `full` includes the system keyspaces. */
  | { readonly kind: 'schema'; readonly full: boolean }
  /** No name: the current keyspace. */
  | { readonly kind: 'keyspace'; readonly name?: string }
  | { readonly kind: 'table'; readonly keyspace?: string; readonly name: string }
  /** `DESCRIBE x`: a keyspace if one has that name, else a table of the current keyspace. */
  | { readonly kind: 'any'; readonly keyspace?: string; readonly name: string };

export type ShellCommand =
  | { readonly kind: 'help'; readonly topic: string }
  | { readonly kind: 'exit' }
  | { readonly kind: 'expand'; readonly on?: boolean }
  | { readonly kind: 'paging'; readonly setting?: 'on' | 'off' | number }
  | { readonly kind: 'consistency'; readonly level?: ConsistencyLevel }
  | { readonly kind: 'describe'; readonly target: DescribeTarget }
  /** A shell command written wrongly: the message says how to write it. */
  | { readonly kind: 'invalid'; readonly message: string };

interface Token {
  /** Lower-cased for words, exact for quoted names. */
  readonly text: string;
  readonly quoted: boolean;
}

/** The shell command `text` holds, or undefined when it is CQL for the node. */
export function parseShellCommand(text: string): ShellCommand | undefined {
  const first = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase();
  if (first === undefined || !SHELL_COMMAND_WORDS.has(first)) return undefined;
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { kind: 'invalid', message: tokens };
  const args = tokens.slice(1);
  const words = args.map((t) => (t.quoted ? `"${t.text}"` : t.text));
  switch (first) {
    case 'help':
      return { kind: 'help', topic: words.join(' ') };
    case 'exit':
    case 'quit':
      return args.length === 0 ? { kind: 'exit' } : invalid(`${first.toUpperCase()} takes no arguments`);
    case 'expand':
      if (args.length === 0) return { kind: 'expand' };
      if (args.length === 1 && (words[0] === 'on' || words[0] === 'off'))
        return { kind: 'expand', on: words[0] === 'on' };
      return invalid('Improper EXPAND command: use EXPAND, EXPAND ON or EXPAND OFF');
    case 'paging':
      return parsePaging(words);
    case 'consistency': {
      if (args.length === 0) return { kind: 'consistency' };
      const level = words[0]!.toUpperCase();
      if (args.length === 1 && (CONSISTENCY_LEVELS as readonly string[]).includes(level)) {
        return { kind: 'consistency', level: level as ConsistencyLevel };
      }
      return invalid(`Improper CONSISTENCY command: use CONSISTENCY or CONSISTENCY ${CONSISTENCY_LEVELS.join('|')}`);
    }
    default:
      return parseDescribe(args);
  }
}

function invalid(message: string): ShellCommand {
  return { kind: 'invalid', message };
}

function parsePaging(words: readonly string[]): ShellCommand {
  if (words.length === 0) return { kind: 'paging' };
  if (words.length === 1 && (words[0] === 'on' || words[0] === 'off')) return { kind: 'paging', setting: words[0] };
  if (words.length === 1 && /^\d{1,9}$/.test(words[0]!)) {
    const size = Number(words[0]);
    if (size >= 1 && size <= MAX_PAGE_SIZE_ROWS) return { kind: 'paging', setting: size };
  }
  return invalid(
    `Improper PAGING command: use PAGING, PAGING ON, PAGING OFF or PAGING <rows> (1 to ${MAX_PAGE_SIZE_ROWS})`,
  );
}

const DESCRIBE_USAGE =
  'Improper DESCRIBE command: use DESCRIBE KEYSPACES | TABLES | CLUSTER | [FULL] SCHEMA | KEYSPACE [name] | TABLE [keyspace.]name | [keyspace.]name';

function parseDescribe(args: readonly Token[]): ShellCommand {
  const word = (i: number): string | undefined =>
    args[i] !== undefined && !args[i]!.quoted ? args[i]!.text : undefined;
  const describe = (target: DescribeTarget): ShellCommand => ({ kind: 'describe', target });
  if (args.length === 1) {
    switch (word(0)) {
      case 'keyspaces':
        return describe({ kind: 'keyspaces' });
      case 'tables':
      case 'columnfamilies':
        return describe({ kind: 'tables' });
      case 'cluster':
        return describe({ kind: 'cluster' });
      case 'schema':
        return describe({ kind: 'schema', full: false });
      case 'keyspace':
        return describe({ kind: 'keyspace' });
    }
  }
  if (args.length === 2 && word(0) === 'full' && word(1) === 'schema') return describe({ kind: 'schema', full: true });
  const kind = word(0);
  if (kind === 'keyspace' || kind === 'schema') {
    const name = qualifiedName(args.slice(1));
    return name !== undefined && name.keyspace === undefined
      ? describe({ kind: 'keyspace', name: name.name })
      : invalid(DESCRIBE_USAGE);
  }
  if (kind === 'table' || kind === 'columnfamily') {
    const name = qualifiedName(args.slice(1));
    return name === undefined ? invalid(DESCRIBE_USAGE) : describe({ kind: 'table', ...name });
  }
  const name = qualifiedName(args);
  return name === undefined ? invalid(DESCRIBE_USAGE) : describe({ kind: 'any', ...name });
}

/** `name` or `keyspace.name`. */
function qualifiedName(tokens: readonly Token[]): { keyspace?: string; name: string } | undefined {
  const isName = (t: Token | undefined): t is Token => t !== undefined && (t.quoted || t.text !== '.');
  if (tokens.length === 1 && isName(tokens[0])) return { name: tokens[0].text };
  if (tokens.length === 3 && isName(tokens[0]) && tokens[1]!.text === '.' && !tokens[1]!.quoted && isName(tokens[2])) {
    return { keyspace: tokens[0].text, name: tokens[2].text };
  }
  return undefined;
}

/** Words (lower case), `"quoted names"` and dots; comments and a final `;` are skipped. A string is an error. */
function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const pair = text.slice(i, i + 2);
    if (/\s/.test(c)) {
      i++;
    } else if (pair === '--' || pair === '//') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (pair === '/*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === ';') {
      if (text.slice(i + 1).trim() !== '') return `unexpected text after ';': ${text.slice(i + 1).trim()}`;
      i = text.length;
    } else if (c === '.') {
      tokens.push({ text: '.', quoted: false });
      i++;
    } else if (c === '"') {
      let name = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0) return 'unterminated quoted name';
        name += text.slice(j, close);
        if (text[close + 1] === '"') {
          name += '"';
          j = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      tokens.push({ text: name, quoted: true });
    } else {
      const word = /^[A-Za-z0-9_]+/.exec(text.slice(i))?.[0];
      if (word === undefined) return `unexpected character '${c}'`;
      tokens.push({ text: word.toLowerCase(), quoted: false });
      i += word.length;
    }
  }
  return tokens;
}
