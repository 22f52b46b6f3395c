/**
 * npm run bench: every benchmark, one JSON line each (the figures quoted in closing notes).
 *   profile_resnet18  profile vs plain forward pass (target: ratio < 2; `npm run profile -- resnet18` < 5 s)
 *   hw_replay         one ResNet18 T=8 trace replay (< 1 s) and 100 hardware models (< 30 s)
 *   dse_1000          1,000-point hardware sweep over one ResNet18 trace (< 5 min)
 * Options: --backend=wasm|cpu|tensorflow, --only=profile,hw,dse
 */
import { benchProfile } from './profile.ts';
import { benchHw, recordResnet18Trace } from './hw.ts';
import { benchDse } from './dse.ts';
import type { BackendChoice } from '../src/run/backend.ts';
import { initBackend } from '../src/run/backend.ts';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const backend = (arg('backend') ?? 'auto') as BackendChoice;
const only = new Set((arg('only') ?? 'profile,hw,dse').split(','));
const print = (bench: string, r: Record<string, number | string>): void => console.log(JSON.stringify({ bench, ...r }));

if (only.has('profile')) print('profile_resnet18', await benchProfile(backend));
await initBackend(backend);
if (only.has('hw')) print('hw_replay', benchHw(recordResnet18Trace()));
if (only.has('dse')) print('dse_1000', await benchDse());
