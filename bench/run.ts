/** npm run bench: every benchmark, one JSON line each (the figures quoted in closing notes). */
import { benchProfile } from './profile.ts';
import type { BackendChoice } from '../src/run/backend.ts';

const backend = (process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'auto') as BackendChoice;
const results: Record<string, Record<string, number | string>> = {};
results.profile_resnet18 = await benchProfile(backend);
for (const [name, r] of Object.entries(results)) console.log(JSON.stringify({ bench: name, ...r }));
