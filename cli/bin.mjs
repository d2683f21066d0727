#!/usr/bin/env node
// The `modelwatch` executable: registers tsx so the TypeScript CLI runs from source, then starts it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
