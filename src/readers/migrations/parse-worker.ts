/** Worker side of the parse pool: parse a batch of SQL texts and post the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadParser, parseSql } from './parse.js';
import type { Job } from './pool.js';

await loadParser();
const jobs = (workerData as { jobs: Job[] }).jobs;
// JSON text crosses the thread boundary faster than a structured clone of the AST graph.
parentPort?.postMessage(
  JSON.stringify(
    jobs.map((j) => {
      try {
        return parseSql(j.file, j.text, undefined, j.origin);
      } catch (e) {
        return {
          statements: [],
          errors: [
            {
              message: `the parser failed: ${(e as Error)?.message ?? String(e)}`,
              at: { file: j.file, line: 1, col: 1 },
            },
          ],
        };
      }
    }),
  ),
);
