#!/usr/bin/env node
// publint on every publishable workspace package (after `npm run build`): exports that point at files the
// tarball lacks, types not first, a missing `type`, … Warnings count as errors (strict), so CI fails on them.
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { relative } from 'node:path';
import { workspacePackages, workspaceRoot } from './workspace.mjs';

const publishable = workspacePackages().filter(({ manifest }) => !manifest.private);
let failed = 0;
for (const { dir, manifest } of publishable) {
  // `npm pack` decides what ships, exactly as `changeset publish` will.
  const { messages, pkg } = await publint({ pkgDir: dir, strict: true, pack: 'npm', level: 'warning' });
  const where = relative(workspaceRoot, dir);
  if (messages.length === 0) {
    console.log(`ok    ${manifest.name} (${where})`);
    continue;
  }
  failed++;
  console.log(`FAIL  ${manifest.name} (${where})`);
  for (const message of messages) console.log(`  ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
}
console.log(`publint: ${publishable.length - failed}/${publishable.length} packages clean`);
if (failed > 0) process.exitCode = 1;
