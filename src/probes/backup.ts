/**
 * Backups taken by the runbook for stores other than PostgreSQL, checked to exist, be complete and be
 * taken during this run (`since`, the run's start, passed by the script):
 * - DynamoDB: the create-backup responses the backup step saved (BackupDetails.BackupArn, issued by
 *   AWS for the backup of this run), then `aws dynamodb list-backups --table-name T --backup-type USER`
 *   (BackupSummaries[]: TableName, BackupArn, BackupName, BackupStatus CREATING/AVAILABLE/DELETED,
 *   BackupCreationDateTime as ISO 8601 (AWS CLI v2) or epoch seconds (v1)): matched by ARN, so neither
 *   clock is compared with the other (a skewed local clock cannot pass an old backup or fail a new one).
 * - S3: `aws s3api get-bucket-versioning --bucket B` ({"Status": "Enabled"|"Suspended"}, or no output
 *   at all when versioning was never enabled).
 * - Redis: `redis-cli INFO` (the default sections: persistence's rdb_bgsave_in_progress,
 *   rdb_last_bgsave_status, rdb_last_save_time as epoch seconds of the SERVER's clock, and server's
 *   server_time_usec, that clock now). The save's age is measured on the server's clock and the run's
 *   elapsed time on this machine's (`now - since`): neither is compared with the other clock, so a
 *   skewed clock on either side cannot pass an old dump or fail a fresh one.
 * Format: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListBackups.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html,
 * https://redis.io/docs/latest/commands/info/ (persistence section).
 */
import { arr, at, firstLine, isObject, jsonOf, notUnderstood, num, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

/** Epoch seconds of an AWS timestamp (ISO 8601 string or epoch number); undefined otherwise. */
function epochOf(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n;
  const s = str(v);
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t / 1000;
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Every top-level JSON value in the output, in order (the saved create-backup responses, then each
 * list-backups page): the AWS CLI prints one value per call. Undefined when the text is not JSON values.
 */
function jsonValues(output: string): unknown[] | undefined {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < output.length; i++) {
    const c = output[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        try {
          out.push(JSON.parse(output.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && !/\s/.test(c as string)) return undefined;
  }
  return depth === 0 ? out : undefined;
}

/**
 * The backups this run created (the create-backup responses the backup step saved: BackupDetails with
 * the BackupArn DynamoDB issued), found by ARN in list-backups of each table (`want`: the tables, comma
 * separated). No clock is compared: the ARN names the one backup of this run, and the file the responses
 * are in was written during this run (checked by the runbook on this machine's clock against its own
 * start). https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html
 */
export const dynamodbBackup: Probe = {
  id: 'dynamodb-backup',
  platforms: [],
  reads:
    'the saved aws dynamodb create-backup responses, then aws dynamodb list-backups --table-name TABLE --backup-type USER --output json of each table',
  format: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListBackups.html',
  passes:
    'the on-demand backup this run created of each table (its BackupArn from create-backup) is listed AVAILABLE',
  wants: true,
  read({ output, exitCode, want }) {
    if (/ResourceNotFoundException|TableNotFoundException/.test(output))
      return fail(`the table does not exist: ${firstLine(output)}`);
    const values = exitCode === 0 ? jsonValues(output) : undefined;
    const created = (values ?? []).map((v) => at(v, 'BackupDetails')).filter(isObject);
    const listed = (values ?? []).filter((v) => Array.isArray(at(v, 'BackupSummaries')));
    if (!values || listed.length === 0)
      return notUnderstood(
        'create-backup responses then list-backups JSON (BackupSummaries)',
        exitCode,
        output,
      );
    const summaries = listed.flatMap((l) => arr(at(l, 'BackupSummaries')).filter(isObject));
    const tables = (want ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const notes: string[] = [];
    for (const table of tables) {
      const ours = created
        .map((d) => ({ arn: str(d.BackupArn), name: str(d.BackupName) }))
        .flatMap((d) => {
          const s = d.arn ? summaries.find((x) => str(x.BackupArn) === d.arn) : undefined;
          return s && str(s.TableName) === table ? [{ ...d, s }] : [];
        });
      if (ours.length === 0) {
        const named = created.some((d) => str(d.BackupName) === `${table}-before-rollback`);
        return fail(
          named
            ? `the backup this run created of ${table} is not in its list-backups output (deleted, or another table/region): take it again (the backup step)`
            : `this run created no backup of ${table} (no create-backup response for it was saved: the step failed or did not run): take it now (the backup step)`,
        );
      }
      const mine = ours[ours.length - 1] as (typeof ours)[number];
      const status = str(mine.s.BackupStatus) ?? '?';
      const when = epochOf(mine.s.BackupCreationDateTime);
      const label = `backup ${mine.name ?? mine.arn} of ${table}${when !== undefined ? ` (created ${iso(when)} AWS time)` : ''}`;
      if (status === 'CREATING') return fail(`${label} is still CREATING: wait for AVAILABLE`);
      if (status !== 'AVAILABLE') return fail(`${label} is ${status}`);
      const size = num(mine.s.BackupSizeBytes);
      notes.push(`${label} is AVAILABLE${size !== undefined ? ` (${size} bytes)` : ''}`);
    }
    if (notes.length === 0) return unknown('no table to look for was given (--want TABLE[,TABLE…])');
    return pass(`${notes.join('; ')}: created by this run (its ARN)`);
  },
};

export const s3Versioning: Probe = {
  id: 's3-versioning',
  platforms: [],
  reads: 'aws s3api get-bucket-versioning --bucket BUCKET',
  format: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html',
  passes: 'versioning is Enabled, so every overwritten or deleted object keeps its previous version',
  read({ output, exitCode }) {
    if (/NoSuchBucket/.test(output)) return fail(`the bucket does not exist: ${firstLine(output)}`);
    if (exitCode === 0 && output.trim() === '')
      return fail(
        'versioning was never enabled on this bucket: overwritten objects are gone; copy the objects the rollback touches first (aws s3 sync to a backup prefix)',
      );
    const status = str(at(jsonOf(output), 'Status'));
    if (exitCode !== 0 || !status)
      return notUnderstood('get-bucket-versioning JSON (Status)', exitCode, output);
    if (status === 'Enabled') return pass('versioning is Enabled: previous object versions are kept');
    return fail(
      `versioning is ${status}: new overwrites are not kept; copy the objects the rollback touches first`,
    );
  },
};

export const redisBgsave: Probe = {
  id: 'redis-bgsave',
  platforms: [],
  reads: 'redis-cli -u URL INFO',
  format: 'https://redis.io/docs/latest/commands/info/',
  passes:
    "no background save is in progress, the last one succeeded (rdb_last_bgsave_status:ok), and it finished during this run: its age on the server's own clock (server_time_usec - rdb_last_save_time) is within the run's elapsed time",
  read({ output, exitCode, since, now }) {
    const field = (k: string) => new RegExp(`^${k}:(\\S*)`, 'm').exec(output.replace(/\r/g, ''))?.[1];
    const inProgress = field('rdb_bgsave_in_progress');
    const status = field('rdb_last_bgsave_status');
    const last = Number(field('rdb_last_save_time'));
    if (exitCode !== 0 || inProgress === undefined || status === undefined || !Number.isFinite(last))
      return notUnderstood('INFO (persistence: rdb_* fields)', exitCode, output);
    if (inProgress === '1') return fail('a background save is still in progress: wait for it to finish');
    if (status !== 'ok')
      return fail(
        `the last background save failed (rdb_last_bgsave_status:${status}): check the Redis log (disk space, permissions)`,
      );
    if (since === undefined || now === undefined)
      return unknown('the start of this run is unknown (--since): cannot tell a fresh save from an old one');
    const usec = field('server_time_usec');
    if (usec === undefined || !/^\d{1,20}$/.test(usec))
      return unknown(
        "INFO shows no server_time_usec (the server's clock; an older Redis has none): the save time cannot be compared with the run's start without trusting two clocks; check by hand that LASTSAVE changed after the BGSAVE of this run",
      );
    // one clock each: the save's age on the server's, the run's length on this machine's (1 s of rounding)
    const age = Number(usec) / 1e6 - last;
    const elapsed = now - since;
    if (age < -1) return unknown(`rdb_last_save_time ${last} is after the server's own clock (${usec} µs)`);
    const secs = (n: number) => `${Math.max(0, Math.round(n))} s`;
    if (age > elapsed + 1)
      return fail(
        `the last save is ${secs(age)} old on the server's clock (saved ${iso(last)} server time), older than this run (${secs(elapsed)}): run BGSAVE (the backup step)`,
      );
    return pass(
      `the background save of ${iso(last)} (server time) succeeded, ${secs(age)} ago on the server's clock, within this run (${secs(elapsed)})`,
    );
  },
};
