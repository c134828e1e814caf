import { parseArgs } from 'node:util';
import { type CommandSpec, findCommand, COMMANDS } from './commands.ts';
import { UsageError } from './usage-error.ts';

/** What the command line asks for, parsed and checked before anything starts. */
export interface CommandLine {
  command: CommandSpec;
  args: string[];
  /** `--config <file>`; undefined leaves it to INLET_CONFIG, then ./inlet.yaml. */
  config?: string;
  /** `--inspect`: attach the Stately inspector relay. */
  inspect: boolean;
  /** `--verbose`: print stacks of unexpected errors. */
  verbose: boolean;
  /** `--help`, or `help`: print usage instead of running the command. */
  help: boolean;
}

/** The flags every command takes; `inlet --help` lists them. */
export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  inspect: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Parses argv (without node and the script); unknown flags and commands, or missing arguments, are `UsageError`s. */
export function parseCommandLine(argv: string[]): CommandLine {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message goes on to explain `--`; its first sentence is the part that helps here.
    throw new UsageError((error as Error).message.split(/\.\s/)[0]);
  }
  const { values, positionals } = parsed;
  const words = values.version && positionals.length === 0 ? ['version'] : positionals.length > 0 ? positionals : ['serve'];
  const found = findCommand(words);
  if (!found) throw new UsageError(`unknown command '${words.join(' ')}'`);
  const flags = { config: values.config, inspect: values.inspect ?? false, verbose: values.verbose ?? false };
  if (found.command.name === 'help') {
    const about = found.args.length > 0 ? findCommand(found.args) : undefined;
    if (found.args.length > 0 && !about) throw new UsageError(`unknown command '${found.args.join(' ')}'`);
    return { ...flags, command: about?.command ?? found.command, args: [], help: true };
  }
  const help = values.help ?? false;
  if (help && positionals.length === 0) return { ...flags, command: findCommand(['help'])!.command, args: [], help };
  if (!help) checkArguments(found.command, found.args);
  return { ...flags, command: found.command, args: found.args, help };
}

function checkArguments(command: CommandSpec, args: string[]): void {
  const wanted = command.args.startsWith('<') ? (command.args.endsWith('...>') ? 'some' : 'one') : 'none';
  const given = args.join('').trim() === '' ? 0 : args.length;
  if (wanted === 'none' && given > 0) throw new UsageError(`'${command.name}' takes no arguments, got '${args.join(' ')}'`, command.name);
  if (wanted !== 'none' && given === 0) throw new UsageError(`'${command.name}' needs ${command.args}`, command.name);
  if (wanted === 'one' && given > 1) throw new UsageError(`'${command.name}' takes one ${command.args}, got '${args.join(' ')}'`, command.name);
}

/** The usage text: every command when `command` is undefined or `help`, else that command's. */
export function usage(command?: CommandSpec): string {
  const flags = [
    '  -c, --config <file>  the configuration file (default: $INLET_CONFIG, else ./inlet.yaml)',
    '      --inspect        serve the live statecharts to the Stately inspector (serve, worker)',
    '      --verbose        print the stack of an unexpected error',
    '  -h, --help           print help and exit',
    '      --version        print the version and exit',
  ];
  if (command && command.name !== 'help') {
    const line = ['inlet', command.name, command.args].filter(Boolean).join(' ');
    return [`usage: ${line} [options]`, '', `  ${command.summary}`, '', 'options:', ...flags, ''].join('\n');
  }
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.trim().length));
  const commands = COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.trim().padEnd(width)}  ${c.summary}`);
  return [
    'usage: inlet [command] [options]',
    '',
    'inlet keeps a knowledge base current within seconds of a change in GitHub, Notion, Confluence or a folder.',
    '',
    'commands:',
    ...commands,
    '',
    'options:',
    ...flags,
    '',
    'The operations call the running service at http://127.0.0.1:<server.port>; set INLET_URL to point elsewhere.',
    'Exit codes: 0 done, 1 the operation failed or the service is unreachable, 2 bad command line or configuration.',
    '',
  ].join('\n');
}
