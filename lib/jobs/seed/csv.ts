/**
 * CSV as PostgreSQL's COPY ... WITH (FORMAT csv) reads it: comma-separated, `"` quotes
 * (doubled inside quotes), quoted fields may span lines, an unquoted empty field is NULL
 * and a quoted empty one is the empty string.
 */
import type { Readable } from 'node:stream';

/** One field, quoted only when it must be. `null` is written as an empty unquoted field (NULL). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value === '') return '""';
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line (with its newline) from the fields. */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

export interface CsvRecord {
  /** Each field's text; null for an unquoted empty field. */
  fields: (string | null)[];
  /** The physical line (1-based) the record starts on. */
  line: number;
  /** The record's number (1-based): what COPY calls "line N". */
  record: number;
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Reads records from a text stream with bounded memory (one record at a time).
 * Accepts `\n` and `\r\n` line ends; a final line without a newline is a record too.
 */
export async function* readCsv(
  input: Readable | AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
): AsyncGenerator<CsvRecord> {
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false; // inside quotes
  let sawQuote = false; // the current field had quotes (so empty means '', not NULL)
  let afterQuote = false; // just saw a quote inside quotes: either "" or the closing quote
  let line = 1;
  let recordLine = 1;
  let record = 0;
  let pendingCr = false;
  let started = false; // the current record has any character

  const endField = () => {
    fields.push(field === '' && !sawQuote ? null : field);
    field = '';
    sawQuote = false;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (pendingCr) {
        pendingCr = false;
        if (c !== '\n') {
          field += '\r';
        }
      }
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false;
          // fall through: c is handled as outside quotes
        } else if (c === '"') {
          afterQuote = true;
          continue;
        } else {
          if (c === '\n') line++;
          field += c;
          continue;
        }
      }
      if (c === '"') {
        quoted = true;
        sawQuote = true;
        started = true;
      } else if (c === ',') {
        endField();
        started = true;
      } else if (c === '\n') {
        endField();
        record++;
        yield { fields, line: recordLine, record };
        fields = [];
        started = false;
        line++;
        recordLine = line;
      } else if (c === '\r') {
        pendingCr = true;
        // a \r not followed by \n is data (added when the next character comes)
        started = true;
      } else {
        field += c;
        started = true;
      }
    }
  }
  if (quoted && !afterQuote)
    throw new CsvSyntaxError(
      'unterminated quoted field: the quote opened in this record is never closed',
      recordLine,
    );
  if (pendingCr) field += '\r';
  if (started || fields.length > 0) {
    endField();
    record++;
    yield { fields, line: recordLine, record };
  }
}
