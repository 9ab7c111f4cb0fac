/** Types of scripts/fuzz/harness.js (plain JavaScript, run with node after `npm run build`). */
export const ROOT: string;
export const CLASSES: readonly string[];
export const FAILURES: readonly string[];

export interface CaseResult {
  code?: number;
  stderr?: string;
  problems?: string[];
  crashed?: string;
  timedOut?: boolean;
  overMemory?: boolean;
  maxRSS?: number;
}

export interface Limits {
  timeoutMs: number;
  memoryBytes: number;
}

export function classify(r: CaseResult, limits: Limits): string;
export function hasLocation(stderr: string | undefined): boolean;
export function signature(
  cls: string,
  r: CaseResult,
  c?: { files: Record<string, string | { base64: string }>; args: string[] },
): string;

export interface FuzzOptions {
  seed?: number;
  runs?: number;
  jobs?: number;
  timeoutMs?: number;
  wallMs?: number;
  memoryBytes?: number;
  heapMiB?: number;
  outDir?: string;
  minimise?: number;
  shellcheckEvery?: number;
  /** include | skip | only: the commands over git history (check, gates, migrations verify). */
  history?: string;
  /** The kinds of repository to draw from (scripts/fuzz/inputs.js KINDS; default: all). */
  kinds?: string[];
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  counts: Record<string, number>;
  /** Cases per kind of repository. */
  kinds: Record<string, number>;
  located: number;
  /** Input errors naming no file:line: [first line without numbers, count], most frequent first. */
  unlocated: [string, number][];
  wallMs: number;
  failures: { cls: string; sig: string; count: number; first: number }[];
  reproducers: string[];
}

export function fuzz(options?: FuzzOptions): Promise<FuzzReport>;
export function formatReport(
  report: FuzzReport,
  options: FuzzOptions & { jobs: number; timeoutMs: number; wallMs?: number; memoryBytes: number },
): string;
