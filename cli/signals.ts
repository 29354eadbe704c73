// How a long CLI command (train, tune) waits for its work: Ctrl+C, a closing terminal (SIGHUP) and
// a job scheduler (SIGTERM) go to the command's handlers instead of killing the process, so the
// run can stop after its batch and save; the handlers are removed when the work is done.

/** Awaits `done` with `onSigint` and `onSignal` (SIGTERM, SIGHUP) handling the signals meanwhile. */
export async function awaitWithSignals<T>(
  done: Promise<T>,
  onSigint: () => void,
  onSignal: (signal: NodeJS.Signals) => void,
): Promise<T> {
  // With the terminal gone, writing to it fails (EIO/EPIPE): the work goes on and saves regardless.
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    return await done;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
