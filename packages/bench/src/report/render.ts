import { passFail } from './format.ts';
import type { BenchResults, Cell, Check, Table } from './model.ts';

function cell(value: Cell): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : value;
}

/** Fixed-width text table for the terminal. */
export function textTable(table: Table): string {
  const rows = table.rows.map((row) => row.map(cell));
  const widths = table.columns.map((column, i) =>
    Math.max(column.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [table.title, line(table.columns), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) out.push(line(row));
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

function escapeCell(value: string): string {
  return value.replaceAll('|', '\\|');
}

export function markdownTable(table: Table, heading = '###'): string {
  const out = [`${heading} ${table.title}`, ''];
  out.push(`| ${table.columns.map(escapeCell).join(' | ')} |`);
  out.push(`| ${table.columns.map(() => '---').join(' | ')} |`);
  for (const row of table.rows) out.push(`| ${row.map((v) => escapeCell(cell(v))).join(' | ')} |`);
  if (table.notes?.length) {
    out.push('');
    for (const note of table.notes) out.push(`- ${note}`);
  }
  return out.join('\n');
}

export function checksTable(checks: Check[]): Table {
  return {
    title: 'Targets',
    columns: ['target', 'requirement', 'measured', 'result'],
    rows: checks.map((check) => [
      check.name,
      check.requirement,
      check.actual,
      passFail(check.pass),
    ]),
  };
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GiB, Node ${m.node}, ${m.platform}; ` +
    (m.pinned ? 'server pinned to core 0, load to core 1 (taskset)' : 'not pinned (no taskset)') +
    `; open files ${m.openFiles}; cores busy ${m.busyAtStart.map((b) => `${b}%`).join(' / ')} before the run; load average ${m.loadAverage.join('/')} at start, ${results.loadAverageAfter.join('/')} at end`
  );
}

export function renderText(results: BenchResults): string {
  const parts = [`@switchboard/bench (${results.mode}) ${results.date}`, machineLine(results), ''];
  for (const scenario of results.scenarios) {
    if (scenario.error) {
      parts.push(`${scenario.title}: FAILED\n  ${scenario.error.split('\n')[0]}`, '');
      continue;
    }
    for (const table of scenario.tables) parts.push(textTable(table), '');
    for (const note of scenario.notes ?? []) parts.push(`  ${note}`);
  }
  parts.push(textTable(checksTable(results.checks)), '');
  parts.push(`total ${results.wallSeconds.toFixed(0)} s`);
  return parts.join('\n');
}

/** The Markdown body: machine, every table, the targets. Used for latest.md and the docs. */
export function renderMarkdown(results: BenchResults, heading = '###'): string {
  const parts = [
    `Run ${results.date} (\`${results.command}\`, ${results.mode} mode, ${results.wallSeconds.toFixed(0)} s).`,
    '',
    `Machine: ${machineLine(results)}.`,
    '',
    markdownTable(checksTable(results.checks), heading),
    '',
  ];
  for (const scenario of results.scenarios) {
    if (scenario.error) {
      parts.push(
        `${heading} ${scenario.title}`,
        '',
        `Failed: \`${scenario.error.split('\n')[0]}\``,
        '',
      );
      continue;
    }
    for (const table of scenario.tables) parts.push(markdownTable(table, heading), '');
    for (const note of scenario.notes ?? []) parts.push(`- ${note}`);
    if (scenario.notes?.length) parts.push('');
  }
  return parts.join('\n');
}
