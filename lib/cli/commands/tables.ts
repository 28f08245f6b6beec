/** `fsvae tables`: the evidence tables (the ones notebooks 03, 04 and 06 show) from the command line, in quick or full mode. */
import { CliCommand, CliUsageError, parseFlags } from '../registry';
import { Evidence, compactSeeds, evidencePreset, seedsOf } from '../../experiments/evidence';
import { EVIDENCE_TABLES, EvidenceTableId, runEvidenceTable, writeEvidenceTable } from '../../experiments/evidence-tables';
import { describeBackend, initBackend } from '../../runtime/backend';
import { toMarkdown } from '../../report/table';

const IDS = Object.keys(EVIDENCE_TABLES) as EvidenceTableId[];

const USAGE = `usage: fsvae tables [--mode quick|full] [--table ${IDS.join(',')}]

Runs the evidence tables on NW-UCLA and UTD-MHAD (every registered split; the generated dataset
when neither is found) exactly as the notebooks do, and writes results/<table>.{csv,md,json}
(quick) or results/<table>_full.{csv,md,json} (full), each with its wall time in the provenance.
Trained cells are cached in data/cache/evidence, so tables that share runs train them once.
  --mode   quick (the main job's setting): 10 seeds per split for Tables 1-2's rows with targets, 2 for every other row; full: 30 and 5 (default quick)
  --table  comma-separated table ids (default: all)`;

export const tablesCommand: CliCommand = {
  name: 'tables',
  summary: 'evidence tables (Tables 1-4, 7-9 with CIs and verdicts) on real skeletons → results/',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { mode: 'string', table: 'string' });
    if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'.`);
    const mode = (flags.mode ?? 'quick') as string;
    if (mode !== 'quick' && mode !== 'full') throw new CliUsageError(`--mode must be quick or full, not '${mode}'.`);
    const ids = typeof flags.table === 'string' ? flags.table.split(',').map((s) => s.trim()) : IDS;
    for (const id of ids) if (!IDS.includes(id as EvidenceTableId)) throw new CliUsageError(`--table: unknown table '${id}'; known: ${IDS.join(', ')}.`);
    await initBackend();
    const ev = new Evidence(evidencePreset(mode), (l) => { if (!l.includes('it/s')) console.log(l); });
    for (const d of ev.config.datasets) {
      const headline = compactSeeds(seedsOf(ev.config, d, 'table1', { powered: true }));
      const seeds = `seeds per split ${headline} for Tables 1-2's rows with targets, ${compactSeeds(seedsOf(ev.config, d))} for every other row`;
      console.log(`[tables] ${d.origin}: ${d.sources.length} split(s), ${seeds}, stage-2 preset ${d.stage2.name}`);
    }
    for (const id of ids as EvidenceTableId[]) {
      const t0 = Date.now();
      const t = await runEvidenceTable(ev, id);
      const files = writeEvidenceTable(t, ev, describeBackend(), `fsvae tables --mode ${mode}`, (Date.now() - t0) / 1000);
      console.log(`\n${t.title}\n\n${toMarkdown(t.rows)}\n[tables] ${id}: ${((Date.now() - t0) / 1000).toFixed(0)} s → ${files.join(', ')}`);
    }
    return 0;
  },
};
