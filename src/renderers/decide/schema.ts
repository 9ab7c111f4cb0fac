import { z } from 'zod';
import { FACT_NAMES, RECOMMENDATIONS } from '../../model/decide.js';
import { planServiceSchema } from '../plan-schema.js';

/**
 * The `rollbook decide --format json` document, as a strict schema. schema/decide.schema.json is
 * generated from it (npm run schema); the tests validate every output against it.
 */
const option = z.strictObject({
  kind: z.enum(RECOMMENDATIONS),
  title: z.string(),
  available: z.boolean(),
  minutesToMitigate: z
    .number()
    .min(0)
    .nullable()
    .describe(
      'Expected minutes until the bad behaviour stops (the recovery watch not counted); null = unknown.',
    ),
  maxMinutesToMitigate: z.number().min(0).nullable(),
  losses: z.array(z.string()).describe('What the option loses for good.'),
  risks: z.array(z.string()),
  reasons: z.array(z.string()),
  action: z.string(),
});

export const decisionJsonSchema = z
  .strictObject({
    service: planServiceSchema,
    window: z.strictObject({ scoped: z.boolean(), summary: z.string(), reason: z.string().optional() }),
    recommendation: z.enum(RECOMMENDATIONS),
    row: z
      .strictObject({ id: z.string(), when: z.string() })
      .describe('The row of the decision table (docs/decide.md) that decided.'),
    breakEven: z.string().min(1),
    reasons: z.array(z.string()).min(1).describe('In the order they weighed.'),
    options: z.array(option).length(RECOMMENDATIONS.length).describe('The recommended option first.'),
    facts: z.array(
      z.strictObject({
        name: z.enum(FACT_NAMES),
        flag: z.string(),
        value: z.union([z.number(), z.boolean(), z.string()]).optional(),
        source: z.enum(['flag', 'asked', 'assumed']),
        assumption: z.string().optional(),
      }),
    ),
    assumptions: z.array(z.string()),
    impact: z.enum(['critical', 'significant', 'low']),
    readOnly: z.string(),
    outcome: z.enum(['pass', 'fail', 'unknown']),
    couldNotProve: z.array(z.strictObject({ id: z.string(), reason: z.string(), prove: z.string() })),
  })
  .describe('rollbook decide --format json');

export function decisionJsonSchemaDocument(): Record<string, unknown> {
  return {
    $id: 'https://rollbook.dev/schema/decide.schema.json',
    title: 'rollbook decide --format json',
    ...(z.toJSONSchema(decisionJsonSchema, { target: 'draft-2020-12' }) as Record<string, unknown>),
  };
}
