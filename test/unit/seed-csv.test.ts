import { type CsvRecord, CsvSyntaxError, csvField, csvLine, readCsv } from '../../lib/jobs/seed/csv';

async function records(...chunks: string[]): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsv(chunks)) out.push(record);
  return out;
}

describe('CSV as COPY reads it', () => {
  it('should tell NULL (unquoted empty) from the empty string (quoted empty)', async () => {
    expect((await records('1,,"",x\n'))[0]?.fields).toEqual(['1', null, '', 'x']);
  });

  it('should read quoted commas, doubled quotes and newlines, and number lines and records', async () => {
    const got = await records('1,"a,b","say ""hi"""\n2,"two\nlines",z\n3,c,d');
    expect(got).toEqual([
      { fields: ['1', 'a,b', 'say "hi"'], line: 1, record: 1 },
      { fields: ['2', 'two\nlines', 'z'], line: 2, record: 2 },
      { fields: ['3', 'c', 'd'], line: 4, record: 3 },
    ]);
  });

  it('should read records split anywhere across chunks, and CRLF line ends', async () => {
    const text = '1,"x ""y""",\r\n2,"a\r\nb",c\r\n';
    const whole = await records(text);
    const split = await records(...text.split(''));
    expect(split).toEqual(whole);
    expect(whole.map((r) => r.fields)).toEqual([
      ['1', 'x "y"', null],
      ['2', 'a\r\nb', 'c'],
    ]);
  });

  it('should report an unterminated quote with the line its record starts on', async () => {
    await expect(records('1,a\n2,"open\nmore\n')).rejects.toEqual(expect.any(CsvSyntaxError));
    await expect(records('1,a\n2,"open\nmore\n')).rejects.toMatchObject({ line: 2 });
  });

  it('should write fields that read back the same', async () => {
    const fields = ['plain', 'a,b', 'say "hi"', 'two\nlines', '', null, 42] as const;
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    const [record] = await records(csvLine(fields));
    expect(record?.fields).toEqual(['plain', 'a,b', 'say "hi"', 'two\nlines', '', null, '42']);
  });
});
