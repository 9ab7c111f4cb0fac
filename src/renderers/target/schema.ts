import { z } from 'zod';
import { planJsonSchema } from '../plan-schema.js';

/**
 * The `rollbook target --format json` document, as a strict schema: the suspect, whether it can be
 * reverted alone, the collateral, and both paths as plan documents (schema/plan.schema.json).
 * schema/target.schema.json is generated from it.
 */

const change = planJsonSchema.shape.window.shape.changes.element;
const flags = z.strictObject({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  defaultChanged: z.array(z.string()),
});
const migration = z.strictObject({ set: z.string(), version: z.string(), file: z.string() });
const sha = z.string().regex(/^[0-9a-f]{40,64}$/);
const commitRef = z.strictObject({ commit: sha, short: z.string() });

const commit = z.strictObject({
  commit: sha,
  short: z.string(),
  subject: z.string(),
  author: z.string(),
  date: z.string(),
  merge: z.boolean().describe('A merge commit: its revert needs a mainline (-m 1).'),
  changes: z.array(change),
  migrations: z.array(migration).describe('Migrations the commit adds.'),
  flags: flags.describe('Flags the commit adds, removes or re-defaults.'),
});

export const targetJsonSchema = z
  .strictObject({
    readOnly: z.literal(true).describe('rollbook read git only: it never reverts, deploys or rolls back.'),
    from: z.strictObject({ ref: z.string(), commit: sha, short: z.string(), how: z.string() }),
    suspect: z.strictObject({
      ref: z.string().describe('As given: a commit or a range A..B.'),
      base: commitRef.describe('The commit before the suspect: what a platform rollback goes back to.'),
      head: commitRef.describe('The newest commit of the suspect.'),
      commits: z.array(commit).min(1),
      contains: z.strictObject({
        code: z.array(z.string()),
        config: z.array(z.string()),
        manifests: z.array(z.string()),
        migrations: z.array(migration),
        flags,
        other: z.array(z.string()),
      }),
      changes: z.array(change),
    }),
    revertable: z.boolean().describe('Reverting only the suspect applies cleanly on top of from.'),
    conflicts: z.array(z.string()).describe('Files the revert of the suspect alone conflicts in.'),
    revertTest: z.strictObject({
      method: z.enum(['merge-tree', 'temporary-index']),
      gitVersion: z.string(),
      base: sha,
      ours: sha,
      theirs: sha,
      clean: z.boolean(),
      conflicts: z.array(z.string()),
    }),
    collateral: z
      .array(commit)
      .describe('Every other commit a platform rollback to before the suspect would also undo.'),
    recommendation: z.strictObject({
      path: z.enum(['revert', 'rollback']),
      flagFirst: z.array(z.string()).describe('Flags to turn off first, on either path.'),
      reasons: z.array(z.string()).min(1),
    }),
    paths: z.strictObject({
      revert: planJsonSchema.optional().describe('Absent when the revert conflicts.'),
      rollback: planJsonSchema,
    }),
  })
  .describe('rollbook target --format json');

export function targetJsonSchemaDocument(): Record<string, unknown> {
  return {
    $id: 'https://rollbook.dev/schema/target.schema.json',
    title: 'rollbook target --format json',
    ...(z.toJSONSchema(targetJsonSchema, { target: 'draft-2020-12', reused: 'ref' }) as Record<
      string,
      unknown
    >),
  };
}
