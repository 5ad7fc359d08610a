// Keeps the "Latest figures" section of benchmark/README.md in step with a full run.
import { readFileSync, writeFileSync } from 'node:fs';

export const README = new URL('../../README.md', import.meta.url);
const START = '<!-- latest:start -->';
const END = '<!-- latest:end -->';

/** Replaces what is between the markers with the run's tables (headings one level down). */
export function updateReadme(markdown: string, file: URL = README): boolean {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const body = markdown.replace(/^# .*\n+/, '').replace(/^## /gm, '### ');
  writeFileSync(file, `${text.slice(0, a + START.length)}\n\n${body.trim()}\n\n${text.slice(b)}`);
  return true;
}
