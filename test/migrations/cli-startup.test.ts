import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_FILES } from '../../src/cli/commands/migrations-analyze.js';
import { DESCRIPTOR_NAMES } from '../../src/readers/descriptor.js';

describe('migrations analyze startup', () => {
  it('looks for the same descriptor names as the descriptor reader (which it imports lazily)', () => {
    expect([...DESCRIPTOR_FILES]).toEqual([...DESCRIPTOR_NAMES]);
  });
});
