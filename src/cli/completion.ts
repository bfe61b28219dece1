import type { Command } from 'commander';
import { usageError } from './cli-error.js';

/** Every command path (`''`, `user`, `user add`, ...) with the words that may follow it. */
function paths(cmd: Command, prefix = ''): { path: string; subcommands: string[]; options: string[] }[] {
  const subs = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  const options = cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => typeof x === 'string'));
  const here = { path: prefix, subcommands: subs.map((c) => c.name()), options: [...options, '--help'] };
  return [here, ...subs.flatMap((c) => paths(c, prefix === '' ? c.name() : `${prefix} ${c.name()}`))];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Bash: the command path is the words typed so far that name subcommands (options and their values
 * are skipped), and the candidates are that path's subcommands and options.
 */
function bash(program: Command): string {
  const cases = paths(program).map((p) => `    ${quote(p.path)}) words=${quote([...p.subcommands, ...p.options].join(' '))} ;;`);
  return `# elevate completion for bash: source <(elevate completion bash)
_elevate_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if _elevate_words "\${path:+$path }$w"; then path="\${path:+$path }$w"; fi
  done
  _elevate_words "$path"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_elevate_words() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}
complete -F _elevate_complete elevate
`;
}

/** Zsh runs the bash completion through bashcompinit, so both complete exactly the same words. */
function zsh(program: Command): string {
  return `#compdef elevate
# elevate completion for zsh: source <(elevate completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program).split('\n').slice(1).join('\n')}`;
}

function fish(program: Command): string {
  const lines = ['# elevate completion for fish: elevate completion fish | source', 'complete -c elevate -f'];
  for (const p of paths(program)) {
    const parts = p.path === '' ? [] : p.path.split(' ');
    const cond =
      parts.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${parts[parts.length - 1]}${parts.length === 1 ? '' : `; and __fish_seen_subcommand_from ${parts[0]}`}`;
    for (const s of p.subcommands) lines.push(`complete -c elevate -n ${quote(cond)} -a ${quote(s)}`);
    for (const o of p.options) if (o.startsWith('--')) lines.push(`complete -c elevate -n ${quote(cond)} -l ${quote(o.slice(2))}`);
  }
  return `${lines.join('\n')}\n`;
}

export const SHELLS = { bash, zsh, fish } as const;

/** `elevate completion bash|zsh|fish`: generated from the command tree, so it never falls behind it. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash, zsh or fish), e.g. source <(elevate completion bash)')
    .action((shell: string) => {
      const make = SHELLS[shell as keyof typeof SHELLS];
      if (!make) throw usageError(`unknown shell '${shell}': use bash, zsh or fish`);
      process.stdout.write(make(program));
    });
}
