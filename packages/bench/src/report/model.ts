export type Cell = string | number;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

/** A target from the issue, checked against this run's table (never by a timed test). */
export interface Check {
  name: string;
  /** The requirement, e.g. ">= 0.5x B2". */
  requirement: string;
  /** What this run measured. */
  actual: string;
  /** undefined: could not be evaluated (a scenario failed or was skipped). */
  pass: boolean | undefined;
}

/** What a scenario hands back: tables for people, checks for targets, data for the JSON. */
export interface ScenarioReport {
  tables: Table[];
  checks: Check[];
  data: unknown;
  notes?: string[];
}

export interface ScenarioOutcome extends ScenarioReport {
  id: string;
  title: string;
  description: string;
  seconds: number;
  error?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** Server pinned to one core, load to another, with taskset. */
  pinned: boolean;
  openFiles: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine. */
  loadAverage: number[];
  /** Percent of each core busy during one second before the run (other work). */
  busyAtStart: number[];
}

export interface BenchResults {
  benchmark: '@switchboard/bench';
  date: string;
  mode: 'full' | 'quick';
  command: string;
  machine: Machine;
  wallSeconds: number;
  loadAverageAfter: number[];
  scenarios: ScenarioOutcome[];
  checks: Check[];
}
