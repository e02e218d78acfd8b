/**
 * One statement at a time: shell commands run here, everything else goes to
 * the node, and results print as tables. The shell keeps what a cqlsh
 * session keeps — the keyspace of the last USE (sent as `keyspace` with
 * every request), the consistency level, EXPAND and PAGING — and nothing
 * else; where input comes from (a terminal, a file, -e) is session.ts's
 * business. Output goes through {@link ShellOutput}, so tests read it.
 */
import type { ConsistencyLevel } from '@ringtail/node';
import { DEFAULT_CONSISTENCY, DEFAULT_PAGE_SIZE_ROWS, FETCH_PAGE_SIZE_ROWS, MAX_UNPAGED_ROWS } from './constants.js';
import { runDescribe } from './describe.js';
import { formatStatementError, ShellError } from './error-format.js';
import { HELP_TEXT } from './help.js';
import type { CqlClient, CqlRequestBody, CqlRow, RowsAnswer } from './http-client.js';
import { formatIdentifier } from './identifiers.js';
import { parseShellCommand, type ShellCommand } from './shell-commands.js';
import { formatExpanded, formatRowCount, formatTable } from './table-format.js';

export interface ShellOutput {
  /** Results (stdout). */
  write(text: string): void;
  /** Errors and warnings (stderr). */
  writeError(text: string): void;
}

export interface ShellOptions {
  readonly client: CqlClient;
  readonly output: ShellOutput;
  /**
   * Interactive sessions page: after each page of a SELECT the shell asks
   * this (cqlsh's `---MORE---`) whether to fetch the next. Without it every
   * page is fetched, up to MAX_UNPAGED_ROWS rows, and printed as one table.
   */
  readonly askMore?: () => Promise<boolean>;
  /** Rows one SELECT prints without paging; default MAX_UNPAGED_ROWS. */
  readonly maxUnpagedRows?: number;
}

export type StatementOutcome = 'ok' | 'failed' | 'exit';

export class CqlShell {
  /** The keyspace of the last USE, exactly as the node named it. */
  keyspace: string | undefined;
  consistency: ConsistencyLevel = DEFAULT_CONSISTENCY;
  expand = false;
  paging = true;
  pageSizeRows = DEFAULT_PAGE_SIZE_ROWS;
  private readonly client: CqlClient;
  private readonly output: ShellOutput;
  private readonly askMore: (() => Promise<boolean>) | undefined;
  private readonly maxUnpagedRows: number;
  private running: AbortController | undefined;

  constructor(options: ShellOptions) {
    this.client = options.client;
    this.output = options.output;
    this.askMore = options.askMore;
    this.maxUnpagedRows = options.maxUnpagedRows ?? MAX_UNPAGED_ROWS;
  }

  /** `ringtail> `, or `ringtail:ks> ` after USE ks. */
  prompt(): string {
    return this.keyspace === undefined ? 'ringtail> ' : `ringtail:${formatIdentifier(this.keyspace)}> `;
  }

  /** As wide as the prompt, so that continued lines line up. */
  continuationPrompt(): string {
    return `${' '.repeat(Math.max(0, this.prompt().length - 4))}... `;
  }

  /** Ctrl-C while a statement runs: stop waiting for it. */
  interrupt(): boolean {
    if (this.running === undefined) return false;
    this.running.abort();
    return true;
  }

  /**
   * Runs one statement (a shell command or CQL). `errorPrefix` starts every
   * error line (`script.cql:12: `). Failures are reported, never thrown.
   */
  async run(text: string, errorPrefix = ''): Promise<StatementOutcome> {
    const controller = new AbortController();
    this.running = controller;
    try {
      const command = parseShellCommand(text);
      if (command !== undefined) return await this.runCommand(command, controller.signal);
      await this.runCql(text, controller.signal);
      return 'ok';
    } catch (error) {
      const lines = formatStatementError(error, { text, prefix: errorPrefix });
      this.output.writeError(`${lines.join('\n')}\n`);
      return 'failed';
    } finally {
      this.running = undefined;
    }
  }

  private async runCommand(command: ShellCommand, signal: AbortSignal): Promise<StatementOutcome> {
    switch (command.kind) {
      case 'exit':
        return 'exit';
      case 'help':
        this.output.write(`${HELP_TEXT}\n`);
        return 'ok';
      case 'invalid':
        throw new ShellError(command.message);
      case 'expand':
        if (command.on === undefined) {
          this.say(
            `Expanded output is currently ${this.expand ? 'enabled. Use EXPAND OFF to disable' : 'disabled. Use EXPAND ON to enable'}.`,
          );
        } else {
          this.expand = command.on;
          this.say(`Expanded output is now ${this.expand ? 'enabled' : 'disabled'}.`);
        }
        return 'ok';
      case 'paging':
        if (command.setting === 'on' || command.setting === 'off') this.paging = command.setting === 'on';
        else if (command.setting !== undefined) {
          this.paging = true;
          this.pageSizeRows = command.setting;
        }
        this.say(
          this.paging
            ? `Query paging is ${command.setting === undefined ? 'currently' : 'now'} enabled; page size ${this.pageSizeRows} rows.`
            : `Query paging is ${command.setting === undefined ? 'currently' : 'now'} disabled.`,
        );
        return 'ok';
      case 'consistency':
        if (command.level === undefined) this.say(`Current consistency level is ${this.consistency}.`);
        else {
          this.consistency = command.level;
          this.say(`Consistency level set to ${command.level}.`);
        }
        return 'ok';
      case 'describe': {
        const text = await runDescribe(command.target, { client: this.client, keyspace: this.keyspace, signal });
        this.output.write(`\n${text}\n`);
        return 'ok';
      }
    }
  }

  private say(line: string): void {
    this.output.write(`${line}\n`);
  }

  private async runCql(query: string, signal: AbortSignal): Promise<void> {
    const interactivePaging = this.paging && this.askMore !== undefined;
    const body: CqlRequestBody = {
      query,
      consistency: this.consistency,
      pageSize: interactivePaging ? this.pageSizeRows : FETCH_PAGE_SIZE_ROWS,
      ...(this.keyspace !== undefined && { keyspace: this.keyspace }),
    };
    const answer = await this.client.execute(body, signal);
    this.warn(answer.warnings);
    if (answer.kind === 'applied') {
      if (answer.keyspace !== undefined) this.keyspace = answer.keyspace;
      return;
    }
    if (interactivePaging) await this.printPaged(body, answer, signal);
    else await this.printAll(body, answer, signal);
  }

  /** Page after page, asking before each fetch; each page is its own table (widths fit its rows). */
  private async printPaged(body: CqlRequestBody, first: RowsAnswer, signal: AbortSignal): Promise<void> {
    let page = first;
    let printed = 0;
    for (;;) {
      const block = this.formatRows(page, printed + 1);
      if (block !== '') this.output.write(`\n${block}\n`);
      printed += page.rows.length;
      if (page.pagingState === undefined || !(await this.askMore!())) break;
      page = await this.nextPage(body, page.pagingState, signal);
    }
    this.output.write(`\n${formatRowCount(printed)}\n`);
  }

  /** Every page (bounded), then one table. */
  private async printAll(body: CqlRequestBody, first: RowsAnswer, signal: AbortSignal): Promise<void> {
    const rows: CqlRow[] = [...first.rows];
    let pagingState = first.pagingState;
    while (pagingState !== undefined && rows.length < this.maxUnpagedRows) {
      const page = await this.nextPage(body, pagingState, signal);
      rows.push(...page.rows);
      pagingState = page.pagingState;
    }
    if (rows.length > this.maxUnpagedRows || pagingState !== undefined) {
      rows.length = Math.min(rows.length, this.maxUnpagedRows);
      this.output.writeError(
        `Warning: printing the first ${this.maxUnpagedRows} rows only; add a LIMIT, or page with PAGING ON in the interactive shell.\n`,
      );
    }
    const block = this.formatRows({ ...first, rows }, 1);
    this.output.write(`${block === '' ? '' : `\n${block}\n`}\n${formatRowCount(rows.length)}\n`);
  }

  private async nextPage(body: CqlRequestBody, pagingState: string, signal: AbortSignal): Promise<RowsAnswer> {
    const answer = await this.client.execute({ ...body, pagingState }, signal);
    this.warn(answer.warnings);
    if (answer.kind !== 'rows') throw new ShellError('the node answered a page request without rows');
    return answer;
  }

  private formatRows(page: RowsAnswer, firstRowNumber: number): string {
    if (this.expand) return formatExpanded(page.columns, page.rows, firstRowNumber);
    return formatTable(page.columns, page.rows);
  }

  private warn(warnings: readonly string[]): void {
    if (warnings.length > 0) this.output.writeError(`Warnings :\n${warnings.join('\n')}\n\n`);
  }
}
