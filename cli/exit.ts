/** The exit status of every `valve` command, as the README's "Command line" section lists them. */
export const EXIT = {
  /** The command did what was asked: no errors, every test passed, a decision was printed. */
  ok: 0,
  /** The check found errors, a test failed or coverage is below the threshold, the server did not start. */
  failed: 1,
  /** A usage problem, or input that can not be read or is invalid (missing file, not YAML/JSON, a bad test file). */
  usage: 2,
  /** A bug in valve itself (sysexits' EX_SOFTWARE), said in one line, never a stack trace. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** How a long-running command (serve, playground) ends: at Ctrl-C or SIGTERM it says so, stops, and exits ok. */
export async function untilSignalled(command: string, stop: () => Promise<void>): Promise<ExitCode> {
  await new Promise<void>((signalled) => {
    process.once('SIGINT', () => signalled());
    process.once('SIGTERM', () => signalled());
  });
  process.stdout.write(`valve ${command}: stopping\n`);
  await stop();
  return EXIT.ok;
}
