import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function pages(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

/** Markdown link targets outside code blocks and code spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

test('no link in the README or docs/ leaves the repository, except to public https sites', () => {
  const problems: string[] = [];
  for (const page of pages()) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    // Also as plain text: the project's working notes beside the repository are no reference.
    if (text.includes('../shared/')) problems.push(`${page} names a path outside the repository (../shared/)`);
    for (const target of links(text)) {
      if (/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}(\/|$)/i.test(target)) continue;
      if (/^[a-z]+:/i.test(target)) {
        problems.push(`${page}: ${target} is not a public https address`);
        continue;
      }
      const path = target.split('#')[0]!;
      if (path === '') continue;
      const file = relative(ROOT, resolve(dirname(join(ROOT, page)), path));
      if (file.startsWith('..')) problems.push(`${page}: ${target} leaves the repository`);
      else if (!existsSync(join(ROOT, file))) problems.push(`${page}: ${target} does not exist`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the README starts with the two commands and links every topic into docs/', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  assert.match(firstBlock, /^npm ci && npm start\b/m);
  assert.match(firstBlock, /^bash \.ci\/run\b/m);
  for (const topic of ['configuration', 'api', 'operations', 'architecture', 'testing', 'dependencies', 'runtime']) {
    assert.ok(links(readme).includes(`docs/${topic}.md`), `the README links docs/${topic}.md`);
  }
});
