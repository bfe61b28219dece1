import { CliError } from './cli-error.js';

/** Edit distance (insertions, deletions, substitutions), case-insensitive: how far a typo is from a name. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length]!;
}

/** The closest name within a third of its length (as `git` and `kubectl` suggest), or undefined. */
export function closest(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(typed, name);
    if (d <= Math.max(2, Math.floor(name.length / 3)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/**
 * `typed` among `names`: exactly, else ignoring case, else a CliError in the one shape every command
 * uses: `no role 'prod db'; did you mean 'Prod DB'?`. Two names that differ only in case are both
 * offered rather than one picked.
 */
export function matchName(typed: string, names: readonly string[], what: string, hint = ''): string {
  if (names.includes(typed)) return typed;
  const folded = names.filter((n) => n.toLowerCase() === typed.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  const guesses = folded.length > 1 ? folded : [closest(typed, names)].filter((n) => n !== undefined);
  throw new CliError(`no ${what} '${typed}'${hint}${guesses.length > 0 ? `; did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}?` : ''}`);
}
