/**
 * Benchmarks: npm run bench -- NAME [options]. Each prints its figures as a Markdown table
 * to paste into docs/benchmarks.md, with the machine it ran on.
 */
import { cpus, totalmem } from 'node:os';

const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  startup: () => import('./startup'),
  search: () => import('./search'),
  demo: () => import('./demo'),
  tracking: () => import('./tracking'),
  alerts: () => import('./alerts'),
  imports: () => import('./imports'),
  linkage: () => import('./linkage'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
await (await benches[name]!()).run(args);
process.exit(0);
