// Aggregates a V8 .cpuprofile (node --cpu-prof) by self time: top functions and top files/packages.
// Usage: node scripts/cpuprofile-top.mjs <file.cpuprofile|dir> [count=30] [skipSeconds=0]
// skipSeconds leaves out the profile's first seconds (the process starting up).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [target, countArg, skipArg] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: node scripts/cpuprofile-top.mjs <file.cpuprofile|dir> [count]\n');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const skipUs = Number(skipArg ?? 0) * 1e6;
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target];

const byFn = new Map();
const byFile = new Map();
let total = 0;
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
/** node_modules/<pkg> (scoped too), dist/<lib or app>/…, or node's own. */
function group(url) {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url.replace(/^file:\/\//, '');
}
for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (at >= skipUs) add(self, p.samples[i], p.timeDeltas[i] ?? 0);
  }
  for (const [id, us] of self) {
    const n = nodes.get(id);
    const cf = n.callFrame;
    total += us;
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') {
      add(byFn, cf.functionName, us);
      add(byFile, cf.functionName, us);
      continue;
    }
    const short = cf.url ? cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '') : '';
    add(byFn, `${cf.functionName || '(anonymous)'} ${short}:${cf.lineNumber + 1}`, us);
    add(byFile, group(cf.url), us);
  }
}
const busy = total - (byFn.get('(idle)') ?? 0);
const print = (title, m) => {
  process.stdout.write(
    `\n${title} (self time; ${(busy / 1e6).toFixed(2)} s busy of ${(total / 1e6).toFixed(2)} s sampled)\n`,
  );
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, count))
    process.stdout.write(
      `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${k}\n`,
    );
};
print('Top functions', byFn);
print('Top files / packages', byFile);
