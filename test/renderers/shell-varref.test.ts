import { describe, expect, it } from 'vitest';
import { renderArg, renderCommand } from '../../src/util/shell.js';

describe('renderArg / renderCommand with a variable namespace', () => {
  it('keeps the display form by default and maps runtime variables when asked', () => {
    const cmd = { argv: ['helm', 'rollback', 'web app', { var: 'REVISION' }], readOnly: false };
    expect(renderCommand(cmd)).toBe(`helm rollback 'web app' "\${REVISION}"`);
    expect(renderCommand(cmd, (n) => `RB_IN_${n}`)).toBe(`helm rollback 'web app' "\${RB_IN_REVISION}"`);
  });

  it('refuses invalid names, before and after mapping', () => {
    expect(() => renderArg({ var: 'PATH}$(x)' })).toThrow(/invalid runtime variable name/);
    expect(() => renderArg({ var: 'OK' }, () => 'a b')).toThrow(/invalid shell variable name/);
  });
});
