// Named moments of the write path where the crash tests (test/faults/crash-upload.test.ts) kill this process, to prove
// that a kill -9 there loses nothing acknowledged and leaves nothing half-written. Inert unless CONTENT_HUB_CRASH_AT
// names the point: a test-only switch, read once at start.
export type CrashPoint =
  | 'upload:receiving' // part of the body is in the temp file
  | 'upload:received' // the temp file is complete and fsynced
  | 'upload:placed' // the file is renamed into blobs/, the transaction not yet committed
  | 'upload:committed'; // the rows are committed, the reply not yet sent

const armed = process.env.CONTENT_HUB_CRASH_AT;

export function crashPoint(point: CrashPoint): void {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
}
