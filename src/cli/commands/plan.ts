import { RollbookError } from '../../errors.js';
import type { Io } from '../io.js';

// Placeholder until the command lands; replaced by its issue's implementation.
export async function run(_args: string[], _io: Io): Promise<number> {
  throw new RollbookError('USAGE', 'plan is being built');
}
