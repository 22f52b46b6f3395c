// Preloaded into the CLI processes of cli-hostile.test.ts (NODE_OPTIONS=--require): on exit, writes the
// process's peak resident set size (KiB, getrusage ru_maxrss) to $STCSIM_RSS_FILE.
const fs = require('node:fs');
process.on('exit', () => {
  if (process.env.STCSIM_RSS_FILE) fs.writeFileSync(process.env.STCSIM_RSS_FILE, String(process.resourceUsage().maxRSS));
});
