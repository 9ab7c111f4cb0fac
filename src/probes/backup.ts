/**
 * Backups taken by the runbook for stores other than PostgreSQL, checked to exist, be complete and be
 * taken during this run (`since`, the run's start, passed by the script):
 * - DynamoDB: `aws dynamodb list-backups --table-name T --backup-type USER` (BackupSummaries[]:
 *   BackupName, BackupStatus CREATING/AVAILABLE/DELETED, BackupCreationDateTime as ISO 8601 (AWS CLI
 *   v2) or epoch seconds (v1)).
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

export const dynamodbBackup: Probe = {
  id: 'dynamodb-backup',
  platforms: [],
  reads: 'aws dynamodb list-backups --table-name TABLE --backup-type USER',
  format: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListBackups.html',
  passes: "an on-demand backup with the runbook's name, created during this run, is AVAILABLE",
  wants: true,
  read({ output, exitCode, want, since }) {
    if (/ResourceNotFoundException|TableNotFoundException/.test(output))
      return fail(`the table does not exist: ${firstLine(output)}`);
    const list = at(jsonOf(output), 'BackupSummaries');
    if (exitCode !== 0 || !Array.isArray(list))
      return notUnderstood('list-backups JSON (BackupSummaries)', exitCode, output);
    if (since === undefined)
      return unknown(
        'the start of this run is unknown (--since): cannot tell a fresh backup from an old one',
      );
    const named = arr(list)
      .filter(isObject)
      .filter((b) => str(b.BackupName) === want)
      .map((b) => ({
        status: str(b.BackupStatus) ?? '?',
        created: epochOf(b.BackupCreationDateTime),
        size: num(b.BackupSizeBytes),
      }))
      .sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
    const fresh = named.find((b) => b.created !== undefined && b.created >= since);
    if (!fresh)
      return fail(
        `no backup named ${want} was created during this run${named[0]?.created !== undefined ? ` (the newest is from ${iso(named[0].created)}, before the run started)` : ''}: take it now (the backup step)`,
      );
    const when = iso(fresh.created as number);
    if (fresh.status === 'AVAILABLE')
      return pass(
        `backup ${want} of ${when} is AVAILABLE${fresh.size !== undefined ? ` (${fresh.size} bytes)` : ''}`,
      );
    if (fresh.status === 'CREATING')
      return fail(`backup ${want} of ${when} is still CREATING: wait for AVAILABLE`);
    return fail(`backup ${want} of ${when} is ${fresh.status}`);
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
