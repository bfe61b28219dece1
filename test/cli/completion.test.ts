import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from './run-cli.js';

/** What bash offers after `words` (the last one being typed), with the script loaded as users load it. */
function complete(script: string, words: string[]): string[] {
  const line = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _elevate_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', `source /dev/stdin <<'EOF_SCRIPT'\n${script}\nEOF_SCRIPT\n${line}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'the script loads without complaint');
  return r.stdout.split('\n').filter(Boolean);
}

test('elevate completion bash loads in bash and completes subcommands and options from the command tree', async () => {
  const r = await runCli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(complete(r.stdout, ['elevate', 'us']), ['user']);
  assert.deepEqual(complete(r.stdout, ['elevate', 'user', 're']), ['remove']);
  assert.deepEqual(complete(r.stdout, ['elevate', 'apply', '-f', 'x.yaml', '--dr']), ['--dry-run']);
  assert.deepEqual(complete(r.stdout, ['elevate', 'comp']), ['completion']);
});

test('zsh and fish scripts are generated from the same tree; an unknown shell is a usage error', async () => {
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef elevate$/m);
  assert.match(zsh.stdout, /bashcompinit/);
  assert.match(zsh.stdout, /'user add'\) words=/);
  const fish = await runCli(['completion', 'fish']);
  assert.match(fish.stdout, /^complete -c elevate -n '__fish_use_subcommand' -a 'apply'$/m);
  assert.match(fish.stdout, /^complete -c elevate -n '__fish_seen_subcommand_from apply' -l 'dry-run'$/m);
  const bad = await runCli(['completion', 'tcsh']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^elevate: unknown shell 'tcsh': use bash, zsh or fish$/m);
});
