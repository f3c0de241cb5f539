// The export worker's entry: loads worker.ts through tsx's API (a worker does not inherit the parent's --import tsx).
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
