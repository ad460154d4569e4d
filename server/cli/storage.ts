// npm run storage -- scan [--verify] [--fix]
// Reports blobs missing from disk, files no row points at, temp files of interrupted uploads, and (with --verify)
// files whose content changed.
import { parseArgs } from 'node:util';
import { scanStorage } from '../storage/integrity.ts';
import { defineCommand, UsageError } from './command.ts';

export default defineCommand({
  usage: `usage: npm run storage -- scan [--verify] [--fix]
  --verify  re-hash every file
  --fix     delete files no row points at and temp files of interrupted uploads (both older than 1 h)`,

  parse(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { verify: { type: 'boolean' }, fix: { type: 'boolean' } } });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (parsed.positionals[0] !== 'scan' || parsed.positionals.length > 1) throw new UsageError('the command is scan');
    return { verify: !!parsed.values.verify, fix: !!parsed.values.fix };
  },

  async run({ services, out }, { verify, fix }) {
    const report = await scanStorage(services.database.db, services.blobs, {
      verify, removeUntracked: fix,
      onProgress: (done, total) => { if (done % 100 === 0 || done === total) out.progress(`verified ${done}/${total}`); },
    });
    out.print(`${report.tracked} blobs in the database, ${report.stored} files on disk`);
    out.print(`missing files: ${report.missing.length}${report.missing.length ? ` (restore from backup)\n  ${report.missing.join('\n  ')}` : ''}`);
    out.print(`untracked files: ${report.untracked.length}${report.untracked.length ? (fix ? ' (removed)' : ' (run with --fix to remove)') : ''}`);
    if (report.awaitingCollection.length) out.print(`deleted, file removal pending: ${report.awaitingCollection.length} (the server removes them)`);
    const tempBytes = report.temporary.reduce((sum, file) => sum + file.size, 0);
    out.print(`temp files: ${report.temporary.length}${report.temporary.length ? ` (${megabytes(tempBytes)})` : ''}, left by interrupted uploads: ${report.staleTemporary.length}`
      + (report.staleTemporary.length ? (fix ? ' (removed)' : ' (run with --fix to remove)') : ''));
    if (verify) out.print(`corrupt files: ${report.corrupt.length}${report.corrupt.length ? `\n  ${report.corrupt.join('\n  ')}` : ''}`);
    return report.missing.length || report.corrupt.length ? 2 : 0;
  },
});

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`;
}
