import { describe, expect, it } from 'vitest';
import { parseCommandLine, usage } from '../../src/commands/command-line.ts';
import { COMMANDS } from '../../src/commands/commands.ts';
import { isUsageError, type UsageError } from '../../src/commands/usage-error.ts';

const usageErrorOf = (argv: string[]): UsageError => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (isUsageError(error)) return error;
    throw error;
  }
  throw new Error(`'${argv.join(' ')}' was accepted`);
};

describe('the inlet command line', () => {
  it('runs serve when no command is given, with the flags it was given', () => {
    const line = parseCommandLine(['--config', 'x.yaml', '--inspect']);
    expect(line.command.name).toBe('serve');
    expect(line).toMatchObject({ config: 'x.yaml', inspect: true, verbose: false, help: false, args: [] });
  });

  it('takes the runbook operations with their arguments', () => {
    expect(parseCommandLine(['queue', 'stats']).command.name).toBe('queue stats');
    const reset = parseCommandLine(['breaker', 'reset', 'github', '-c', 'prod.yaml']);
    expect([reset.command.name, reset.args, reset.config]).toEqual(['breaker reset', ['github'], 'prod.yaml']);
    expect(reset.command.http?.path(reset.args)).toBe('/connectors/github/breaker/reset');
    expect(parseCommandLine(['search', 'how', 'to', 'deploy']).args).toEqual(['how', 'to', 'deploy']);
  });

  it('asks for help instead of running: --help, -h, help, help <command>', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const line = parseCommandLine(argv);
      expect([line.help, line.command.name]).toEqual([true, 'help']);
    }
    for (const argv of [['serve', '--help'], ['help', 'serve']]) {
      const line = parseCommandLine(argv);
      expect([line.help, line.command.name]).toEqual([true, 'serve']);
    }
    // A command's help needs none of its arguments.
    expect(parseCommandLine(['breaker', 'reset', '--help'])).toMatchObject({ help: true, command: { name: 'breaker reset' } });
  });

  it('answers version for `version` and `--version`', () => {
    expect(parseCommandLine(['version']).command.name).toBe('version');
    expect(parseCommandLine(['--version']).command.name).toBe('version');
  });

  it('refuses unknown flags and commands, and wrong arguments, naming them', () => {
    expect(usageErrorOf(['--bogus']).message).toBe("Unknown option '--bogus'");
    expect(usageErrorOf(['serve', '--port', '9000']).message).toBe("Unknown option '--port'");
    expect(usageErrorOf(['--config']).message).toMatch(/--config/);
    expect(usageErrorOf(['deploy']).message).toBe("unknown command 'deploy'");
    expect(usageErrorOf(['help', 'nope']).message).toBe("unknown command 'nope'");
    expect(usageErrorOf(['poll'])).toMatchObject({ message: "'poll' needs <connector>", command: 'poll' });
    expect(usageErrorOf(['poll', 'a', 'b']).message).toBe("'poll' takes one <connector>, got 'a b'");
    expect(usageErrorOf(['health', 'now']).message).toBe("'health' takes no arguments, got 'now'");
    expect(usageErrorOf(['search']).message).toBe("'search' needs <query...>");
  });

  it('lists every command and flag in the usage, and one command in its own', () => {
    const all = usage();
    for (const command of COMMANDS) expect(all).toContain(`  ${command.name}`);
    for (const flag of ['--config', '--inspect', '--verbose', '--help', '--version']) expect(all).toContain(flag);
    const poll = usage(COMMANDS.find((c) => c.name === 'poll'));
    expect(poll).toContain('usage: inlet poll <connector> [options]');
    expect(poll).not.toContain('breaker reset');
  });
});
