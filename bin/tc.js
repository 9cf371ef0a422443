#!/usr/bin/env node
import { main } from '../dist/tc.js';

await main(process.argv.slice(2));
