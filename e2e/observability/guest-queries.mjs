// Runs in the QEMU guest (plain JavaScript: the emulated CPU loads it in a moment, unlike tsx): waits until the
// guest's Prometheus shows the wanted state, then answers every query of queries.json and writes them, with the
// rules' state, to the output file. Usage: guest-queries.mjs <prometheus-url> <queries.json> present|absent <out>
// queries.json: { "queries": [expr...], "probe": expr, "alert": name }. "present": the probe returns a series
// and the alert has an instance; "absent": the probe returns none.
import { readFileSync, writeFileSync } from 'node:fs';

const [baseUrl, queriesPath, want, outPath] = process.argv.slice(2);
if (outPath === undefined || (want !== 'present' && want !== 'absent')) {
  console.error('usage: guest-queries.mjs <prometheus-url> <queries.json> present|absent <out.json>');
  process.exit(2);
}
const { queries, probe, alert } = JSON.parse(readFileSync(queriesPath, 'utf8'));
const DEADLINE_MS = 240_000;

async function api(path) {
  const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${path}: ${body.errorType ?? ''} ${body.error ?? response.status}`);
  return body.data;
}
const query = async (expr) => (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
const rules = async () => (await api('/api/v1/rules')).groups.flatMap((g) => g.rules);

const started = Date.now();
let observed = 'nothing yet';
for (;;) {
  try {
    const series = await query(probe);
    const alerts = (await rules()).find((r) => r.name === alert)?.alerts ?? [];
    observed = `${series.length} probe series, ${alerts.length} ${alert} alerts`;
    if (want === 'present' ? series.length > 0 && alerts.length > 0 : series.length === 0) break;
  } catch (error) {
    observed = String(error);
  }
  if (Date.now() - started > DEADLINE_MS) {
    console.error(`gave up after ${DEADLINE_MS / 1000} s waiting for "${want}": ${observed}`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
const answers = [];
for (const expr of queries) {
  try {
    answers.push({ expr, result: await query(expr) });
  } catch (error) {
    answers.push({ expr, error: String(error) });
  }
}
writeFileSync(outPath, JSON.stringify({ waitedMs: Date.now() - started, answers, rules: await rules() }, null, 1));
console.log(`${want}: ${answers.length} queries answered after ${Date.now() - started} ms`);
