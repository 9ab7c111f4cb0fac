import { z } from 'zod';
import { HAZARD_KINDS } from '../model/finding.js';
import { SIGNAL_OPS } from '../model/service.js';

/**
 * The `rollbook plan --format json` document (contract in DESIGN.md), as a strict schema.
 * schema/plan.schema.json is generated from it; the tests validate every example against it.
 */

const evidence = z.strictObject({
  file: z.string(),
  line: z.number().int().min(1),
  col: z.number().int().min(1).optional(),
  note: z.string().optional(),
});

const varArg = z.strictObject({ var: z.string().regex(/^[A-Z][A-Z0-9_]*$/) });
const arg = z.union([z.string(), varArg]);
const argv = z.array(arg);

const command = z.union([
  z.strictObject({
    shell: z.string(),
    argv,
    readOnly: z.boolean(),
    repeatUntilCheck: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Run again until the step check passes, at most this many times (one migration per run).'),
  }),
  z.strictObject({ manual: z.string(), readOnly: z.boolean() }),
]);

const check = z.strictObject({
  command: z.string().optional().describe('Shell form of the check command; absent for manual checks.'),
  expect: z.string().describe('What the check must show.'),
  expectOutput: z.string().optional(),
  outcomes: z
    .array(
      z.strictObject({
        contains: z.string(),
        result: z.enum(['pass', 'fail', 'accept']),
        note: z.string(),
      }),
    )
    .optional()
    .describe('Output rules read before the exit code; the first whose text the output contains decides.'),
  expectLines: z
    .array(z.string())
    .optional()
    .describe('Extended regular expressions that must each match a line of the output.'),
  probe: z
    .strictObject({ id: z.string(), want: arg.optional(), since: z.boolean().optional() })
    .optional()
    .describe(
      "The output is read by `rollbook probe ID [--want VALUE]` (the tool's real format): its PASS / FAIL / UNKNOWN decides; unknown never passes.",
    ),
  listsRevision: arg.optional().describe('The history output must list this revision (first column).'),
  schemaVersion: z
    .strictObject({ tool: z.string(), target: arg })
    .optional()
    .describe("The version read from the migration tool's output must equal target and not be dirty."),
  freshFile: arg.optional().describe('A file that must be written during this run and not be empty.'),
  acceptance: z
    .strictObject({ by: z.array(z.string()), losses: z.array(z.string()) })
    .optional()
    .describe('Who may accept an `accept` outcome, and what is lost.'),
  timeoutSeconds: z.number().int().min(0),
  watchSeconds: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "The check is a watch read after this long (the signals after a kill switch): not the step's duration, counted in the estimate.",
    ),
  retries: z.number().int().min(0),
  manual: z.boolean(),
});

const signalOp = z.enum(SIGNAL_OPS);

const criterion = z.strictObject({
  signal: z.string(),
  condition: z.string().describe('The condition that calls for a rollback (never a success condition).'),
  query: z.string().optional(),
  op: signalOp
    .optional()
    .describe('Direction: `value op threshold` calls for a rollback. Absent when the direction is unknown.'),
  threshold: z.number().optional(),
  forSeconds: z.number().optional(),
  withinMinutesOfDeploy: z.number(),
  source: z.string(),
  at: evidence.optional(),
});

const recovery = z.strictObject({
  signal: z.string(),
  condition: z.string().describe('The opposite of the rollback condition, held for the verification window.'),
  query: z.string().optional(),
  op: signalOp.optional().describe('Healthy direction: `value op threshold` for the whole window.'),
  threshold: z.number().optional(),
  holdSeconds: z.number().int().positive(),
  source: z.string(),
  at: evidence.optional(),
});

const unknown = z.strictObject({ subject: z.string(), reason: z.string(), at: evidence.optional() });

const pastRollback = z.strictObject({
  date: z.string(),
  minutes: z.number(),
  note: z.string().optional(),
  at: evidence.optional(),
});

const ref = z.strictObject({ ref: z.string(), commit: z.string(), how: z.string() });

const window = z
  .strictObject({
    scoped: z
      .boolean()
      .describe('True when both versions are known: migration-derived claims cover the window only.'),
    summary: z.string().describe('"Rolling back 3f2a1c (HEAD) → v2.14.0: 12 commits, 2 migrations, ..."'),
    from: ref.describe('The version rolled back (default HEAD).'),
    to: ref.optional().describe('The target version (default: the newest release tag before from).'),
    reason: z.string().optional().describe('Why there is no window, and what would give one.'),
    commits: z.number().int().min(0).optional(),
    crossedMigrations: z.array(
      z.strictObject({ set: z.string(), version: z.string(), name: z.string(), at: evidence }),
    ),
    targetSchema: z.array(
      z.strictObject({
        set: z.string(),
        tool: z.string(),
        version: z.string().nullable(),
        name: z.string().optional(),
        at: evidence.optional(),
      }),
    ),
    changes: z.array(
      z.strictObject({
        kind: z.enum([
          'migration',
          'released-migration-edited',
          'manifest',
          'config',
          'flags',
          'workflow',
          'descriptor',
        ]),
        file: z.string(),
        status: z.enum(['added', 'modified', 'deleted', 'type-changed']),
        at: evidence,
        summary: z.string(),
        migration: z.strictObject({ set: z.string(), version: z.string() }).optional(),
        flags: z
          .strictObject({
            added: z.array(z.string()),
            removed: z.array(z.string()),
            defaultChanged: z.array(z.string()),
          })
          .optional(),
        fields: z.array(z.string()).optional(),
      }),
    ),
    uncommitted: z.array(z.string()),
  })
  .describe('The release the design is about: from, to and what changed between them.');

/** The service a design (and a decision) is about. */
export const planServiceSchema = z.strictObject({
  name: z.string(),
  platform: z.string(),
  workload: z.string().optional(),
  namespace: z.string().optional(),
  owners: z.array(z.string()),
  descriptor: z.string().optional(),
});

export const planJsonSchema = z
  .strictObject({
    window,
    service: planServiceSchema,
    risk: z.enum(['low', 'high']),
    dataPathUnknown: z
      .array(z.string())
      .optional()
      .describe(
        'Migration sets the release crosses that nothing binds to a workload: the data path is unknown (risk high, exit 1).',
      ),
    trigger: z.strictObject({
      criteria: z.array(criterion).min(1),
      authorized: z.array(z.string()).min(1),
      command: z.string().min(1),
      oneCommand: z.boolean().describe('False whenever the data rule applies.'),
      why: z.string(),
    }),
    hazards: z.array(
      z.strictObject({
        id: z.string().describe('Rule id.'),
        kind: z.enum(HAZARD_KINDS),
        subject: z.string(),
        severity: z.enum(['error', 'warning', 'info']),
        message: z.string(),
        evidence: z.array(evidence).min(1),
        appRollbackSafe: z.boolean().nullable(),
        revertLossless: z.boolean().nullable(),
        touchesData: z.boolean(),
        mitigation: z.string().min(1),
        migration: z.string().optional(),
        unscoped: z
          .boolean()
          .optional()
          .describe('No release window: this migration hazard comes from the whole history.'),
      }),
    ),
    runbook: z
      .array(
        z.strictObject({
          id: z.string(),
          title: z.string(),
          commands: z.array(command),
          expectedSeconds: z.number().int().positive(),
          maxSeconds: z.number().int().positive(),
          check,
          onFailure: z.string().min(1),
          touchesData: z.boolean(),
          requiresGates: z.array(z.string()),
          durationBasis: z.string().optional(),
          conditional: z
            .boolean()
            .optional()
            .describe('Runs only under the condition in its title; counted in the worst case only.'),
          stopWhenCheckPasses: z
            .string()
            .optional()
            .describe(
              'When the check passes the incident is mitigated and the rollback stops (a kill switch).',
            ),
        }),
      )
      .min(1),
    gates: z.array(
      z.strictObject({
        id: z.string(),
        title: z.string(),
        kind: z.enum([
          'artifact',
          'history',
          'compatibility',
          'migration',
          'backup',
          'verification',
          'state',
          'access',
        ]),
        check,
        blocking: z.boolean(),
        prepare: z.array(command).optional(),
        status: z.enum(['pass', 'fail', 'unknown']).optional(),
        reason: z.string().optional(),
        evidence: z.array(evidence).optional(),
      }),
    ),
    verification: z.strictObject({
      sustainSeconds: z.number().int().positive(),
      checks: z.array(check).min(1),
      signals: z.array(recovery),
    }),
    comms: z.strictObject({
      channel: z.string().optional(),
      statusPage: z.boolean(),
      cadenceMinutes: z.number().int().min(1).max(20),
      dataLossStatement: z.string().min(1),
      updates: z
        .array(
          z.strictObject({
            phase: z.enum(['identified', 'monitoring', 'resolved']),
            text: z.string(),
            chat: z.string(),
          }),
        )
        .length(3),
    }),
    estimate: z.strictObject({
      expectedSeconds: z.number().int().positive(),
      maxSeconds: z.number().int().positive(),
      drivers: z.array(
        z.strictObject({
          name: z.string(),
          value: z.string(),
          source: z.enum(['manifest', 'descriptor', 'default']),
          at: evidence.optional(),
          realFrom: z.string().optional(),
        }),
      ),
      past: z.array(pastRollback),
      pastMedianMinutes: z.number().optional(),
      comparison: z.string(),
    }),
    unknowns: z.array(unknown),
    inputs: z.array(
      z.strictObject({
        name: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
        description: z.string(),
        discover: z.string().optional(),
        default: z.string().optional(),
        secret: z.boolean().optional().describe('Read without echo and masked in logs and on screen.'),
      }),
    ),
  })
  .describe('rollbook plan --format json');

export function planJsonSchemaDocument(): Record<string, unknown> {
  return {
    $id: 'https://rollbook.dev/schema/plan.schema.json',
    title: 'rollbook plan --format json',
    ...(z.toJSONSchema(planJsonSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
  };
}
