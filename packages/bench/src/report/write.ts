import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './model.ts';
import { renderMarkdown } from './render.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const RESULTS_DIR = `${REPO}bench/results/`;
export const DOCS_FILE = `${REPO}docs/performance.md`;
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Writes bench/results/latest.json and latest.md; returns their paths. */
export function writeResults(results: BenchResults): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${RESULTS_DIR}latest.json`;
  const md = `${RESULTS_DIR}latest.md`;
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(md, `# Switchboard benchmark results\n\n${renderMarkdown(results)}\n`);
  return [json, md];
}

/**
 * Replaces the generated section of docs/performance.md (between the bench:results markers)
 * with this run's tables. Returns false when the doc or its markers are missing.
 */
export function updateDocs(results: BenchResults): boolean {
  if (!existsSync(DOCS_FILE)) return false;
  const doc = readFileSync(DOCS_FILE, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1 || end < start) return false;
  const body = renderMarkdown(results, '###');
  writeFileSync(DOCS_FILE, `${doc.slice(0, start + START.length)}\n\n${body}\n${doc.slice(end)}`);
  return true;
}
