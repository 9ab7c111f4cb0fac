// Worker thread: read and parse a slice of the repository's YAML/JSON files (see parse-files.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { parseRepoFile, toWire } from './parse-files.js';
import type { RepoFile } from './walk.js';

const files = (workerData as { files: RepoFile[] }).files;
const out = [];
for (const f of files) out.push(toWire(await parseRepoFile(f, true)));
parentPort?.postMessage(out);
