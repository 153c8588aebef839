#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a clean clone needs only `npm install` (no build step).
// The project's own tsconfig, whatever the working directory: tsx would otherwise read a tsconfig.json
// found in the folder a cron job or systemd unit starts in, and its `paths` could redirect our imports.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
