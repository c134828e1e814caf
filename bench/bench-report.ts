import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine-info.ts';

/** One target of the brief, with the figure it was judged on. */
export interface TargetVerdict {
  target: string;
  actual: number | null;
  /** null when the benchmark behind it failed. */
  met: boolean | null;
}

/** The JSON written to bench/results (wire format: snake_case). */
export interface BenchReport {
  machine: MachineInfo;
  queue: Record<string, unknown>;
  memory: Record<string, unknown>;
  /** The compiled command line: `inlet health`'s wall time. */
  cli: Record<string, unknown>;
  worker: Record<string, unknown>;
  webhooks: Record<string, unknown>;
  /** Sources at scale (issue 12): a fake Confluence of 100,000 pages. */
  sources?: Record<string, unknown>;
  /** Retrieval quality and latency of search, hybrid against vector-only (issue 15 part 0). */
  search?: Record<string, unknown>;
  targets: Record<string, TargetVerdict>;
  /** One line per benchmark that failed or ran out of time. */
  errors: string[];
  total_seconds: number;
}

/** A row of the printed table. */
export interface TableRow {
  benchmark: string;
  figure: string;
  value: string;
  against: string;
  ratio: string;
  target: string;
  met: string;
}

/** Formats a number with thousands separators and `digits` decimals; '-' for null. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Prints the rows as an aligned text table. */
export function printTable(rows: TableRow[]): void {
  const header: TableRow = { benchmark: 'bench', figure: 'figure', value: 'value', against: 'same-run reference', ratio: 'ratio', target: 'target', met: 'met' };
  const keys = Object.keys(header) as (keyof TableRow)[];
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: TableRow) => keys.map((k, i) => (k === 'value' || k === 'ratio' ? r[k].padStart(widths[i]) : r[k].padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Writes `latest.json` and a copy named after the run's start time; returns both paths. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are not allowed in file names on every system.
  const stamped = join(dir, `${report.machine.date.replace(/:/g, '-')}.json`);
  const latest = join(dir, 'latest.json');
  writeFileSync(stamped, text);
  writeFileSync(latest, text);
  return [latest, stamped];
}
