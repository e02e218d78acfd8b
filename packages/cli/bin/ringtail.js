#!/usr/bin/env node
// The `ringtail` bin. npm links bins at install time, before `npm run build`
// has created dist/, and skips a bin whose file is missing; this launcher
// exists from the start, so `npx ringtail` works after `npm ci && npm run build`.
await import('../dist/bin.js');
