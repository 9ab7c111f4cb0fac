/**
 * Context a caller shows above a design (e.g. `rollbook target`: the suspect, the revert test, the
 * collateral). Plain text only: each renderer escapes or quotes it like any plan text.
 */
export interface Preface {
  title: string;
  /** Label and value, one line each. */
  facts: [string, string][];
  sections: { heading: string; items: string[] }[];
}
