import { RollbookError } from '../../errors.js';
import { PROBES, probeById, probeText, runProbe } from '../../probes/index.js';
import { EXIT, exitCode, type Io, parseCommand } from '../io.js';

const USAGE = `Usage: <read-only platform command> | rollbook probe ID [--want VALUE] [--exit-code N]

Reads the output of one read-only platform command (a history or a deploy status) on stdin, in the
tool's own format, and prints one verdict line: PASS, FAIL or UNKNOWN (could not prove), with what
it read. The generated runbook pipes its gate checks through it. Exit 0 on PASS, 1 otherwise.

--want VALUE     the value to look for (e.g. the target revision), for the probes that need one
--exit-code N    the command's exit code (default 0)
--since EPOCH    when the run started (seconds since 1970, this machine's clock), for the probes that
                 check a backup was taken during it (the run's elapsed time is measured on this clock)

Probes:
${PROBES.map((p) => `  ${p.id.padEnd(22)} ${p.reads}`).join('\n')}`;

/** Output read on stdin, at most this many bytes (a history or a status is far smaller). */
const MAX_INPUT = 8 * 1024 * 1024;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new RollbookError('USAGE', 'rollbook probe reads the command output on stdin: pipe it in', USAGE);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_INPUT)
      throw new RollbookError('FILE_TOO_LARGE', `rollbook probe: more than ${MAX_INPUT} bytes on stdin`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      want: { type: 'string' },
      'exit-code': { type: 'string' },
      since: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const id = positionals[0];
  if (id === undefined || positionals.length > 1 || !probeById(id))
    throw new RollbookError(
      'USAGE',
      `rollbook probe needs one known probe id (got ${positionals.join(' ') || 'none'})`,
      USAGE,
    );
  const raw = (values['exit-code'] as string | undefined) ?? '0';
  if (!/^\d{1,3}$/.test(raw))
    throw new RollbookError('USAGE', `--exit-code must be a number (got "${raw}")`, USAGE);
  const want = values.want as string | undefined;
  const since = values.since as string | undefined;
  if (since !== undefined && !/^\d{1,12}$/.test(since))
    throw new RollbookError('USAGE', `--since must be seconds since 1970 (got "${since}")`, USAGE);
  const report = runProbe(id, {
    output: await readStdin(),
    exitCode: Number(raw),
    ...(want !== undefined ? { want } : {}),
    ...(since !== undefined ? { since: Number(since), now: Date.now() / 1000 } : {}),
  });
  io.stdout(probeText(report));
  return exitCode(report.outcome);
}
