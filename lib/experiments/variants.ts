/**
 * Model variants of the paper's tables as edits of a stage-2 preset: which text parts (SD), which
 * frequency module (FM), which alignment loss (CL), and hyper-parameters (α, λ, φ, b). Every table
 * of notebooks 03-07 is a list of variants run through the same stages 2-4.
 */
import { FrequencyPresetName } from '../frequency/enhancer';
import { ConfigEdit, editConfig } from '../train/overrides';
import { AlignmentLossName, FsvaeConfig } from '../train/config';
import { CycleRecord, Stage2Engine, Stage2Progress } from '../train/stage2';
import { Protocol, runZeroShotBenchmark, stage2EnginesUsed, ZeroShotBenchmarkResult, GateConfig } from '../pipeline/zero-shot';
import { PreparedFeatures, TextSourceSpec, textFeaturesFor, zeroShotDataFor } from '../pipeline/features';
import { Row } from '../report/table';
import { formatMeanStd } from '../eval/metrics';

export interface Variant {
  /** row label, e.g. 'Ours', 'SD + FM', 'L_T1'. */
  name: string;
  /** text parts (Eq. 5), e.g. 'lb_ad_md' (AL+GD+LD) or 'lb' (AL only: no SD). */
  textMode?: string;
  /** frequency module on both encoders (the code applies it to both). */
  frequency?: FrequencyPresetName;
  /** φ and b overrides of the frequency module (Fig. 4). */
  phi?: number;
  bands?: number;
  alignment?: AlignmentLossName;
  alpha?: number;
  lambda?: number;
}

export const OURS: Variant = { name: 'Ours', textMode: 'lb_ad_md', frequency: 'reference', alignment: 'calibrated-reference' };
export const OURS_DAGGER: Variant = { name: 'Ours† (only w_i)', textMode: 'lb_ad_md', frequency: 'learnable-only', alignment: 'calibrated-reference' };
/** MSF-GZSSAR-style baseline: labels only (no SD), no FM, cross-reconstruction alignment (no CL). */
export const BASELINE: Variant = { name: 'Baseline (no SD, FM, CL)', textMode: 'lb', frequency: 'off', alignment: 'cross-reconstruction' };

/** A variant as config edits, the same edits `--set` makes (lib/train/overrides.ts). */
export function variantEdits(v: Variant): ConfigEdit[] {
  const edits: ConfigEdit[] = [];
  if (v.textMode) edits.push(['textMode', v.textMode]);
  if (v.frequency) edits.push(['frequency', v.frequency]);
  if (v.phi !== undefined) edits.push(['frequency.phi', v.phi]);
  if (v.bands !== undefined) edits.push(['frequency.bands', v.bands]);
  if (v.alignment) edits.push(['alignment.loss', v.alignment]);
  if (v.alpha !== undefined) edits.push(['alignment.alpha', v.alpha]);
  if (v.lambda !== undefined) edits.push(['alignment.lambda', v.lambda]);
  return edits;
}

/** `base` with the variant's edits (a named frequency module with φ/b edits keeps its name while they equal its own). */
export function applyVariant(base: FsvaeConfig, v: Variant): FsvaeConfig {
  return editConfig(base, variantEdits(v));
}

export interface VariantRun {
  variant: Variant;
  result: ZeroShotBenchmarkResult;
  wallSeconds: number;
}

export interface RunVariantsOptions {
  seeds: number[];
  text?: TextSourceSpec;
  gate?: GateConfig;
  /** keep train-phase latents of these sets (e.g. ['ztest']) for the first seed (t-SNE). */
  latentsOf?: string[];
  log?: (line: string) => void;
  /** every stage-2 step of every variant, seed and phase (progress bars) */
  onProgress?: (variant: string, phase: 'train' | 'val', seed: number, p: Stage2Progress) => void;
  /** every finished cycle of every variant, seed and phase */
  onCycle?: (variant: string, phase: 'train' | 'val', seed: number, c: CycleRecord) => void;
  /** the stage-2 engine requested (default 'auto'; the CLI's --engine) */
  engine?: Stage2Engine;
}

/** Runs stages 2-4 for each variant on prepared features (text features computed per text mode, cached). */
export async function runVariants(prepared: PreparedFeatures, base: FsvaeConfig, variants: Variant[], opts: RunVariantsOptions): Promise<VariantRun[]> {
  return runConfiguredVariants(
    prepared,
    variants.map((variant) => ({ variant, config: applyVariant(base, variant) })),
    opts,
  );
}

/** runVariants for variants already applied to their base (applyVariant once, e.g. to key a cache by the configuration). */
export async function runConfiguredVariants(
  prepared: PreparedFeatures,
  configured: ReadonlyArray<{ variant: Variant; config: FsvaeConfig }>,
  opts: RunVariantsOptions,
): Promise<VariantRun[]> {
  const runs: VariantRun[] = [];
  for (const { variant: v, config: cfg } of configured) {
    const t0 = Date.now();
    const text = await textFeaturesFor(prepared, cfg.textMode, opts.text);
    const data = zeroShotDataFor(prepared, text);
    opts.log?.(
      `[${prepared.split.name}] ${v.name}: text ${cfg.textMode} (${text.cols}-d, ${text.source}), ` +
        `FM ${cfg.skeletonFrequency.preset}, alignment ${cfg.alignment.loss}`,
    );
    const result = await runZeroShotBenchmark(cfg, data, {
      seeds: opts.seeds,
      gate: opts.gate,
      latentsOf: opts.latentsOf,
      engine: opts.engine,
      onProgress: opts.onProgress ? (phase, seed, p) => opts.onProgress!(v.name, phase, seed, p) : undefined,
      onCycle: opts.onCycle ? (phase, seed, c) => opts.onCycle!(v.name, phase, seed, c) : undefined,
    });
    runs.push({ variant: v, result, wallSeconds: (Date.now() - t0) / 1000 });
    const s = result.summary.clean;
    opts.log?.(
      `[${prepared.split.name}] ${v.name}: ZSL ${formatMeanStd(s.zsl, { scale: 100 })}, H ${formatMeanStd(s.harmonic, { scale: 100 })} (clean) ` +
        `in ${((Date.now() - t0) / 1000).toFixed(0)} s, stage-2 engine ${stage2EnginesUsed(result)}`,
    );
  }
  return runs;
}

/** One table row per variant and protocol, percentages as 'mean ± std'. */
export function variantRows(
  prepared: PreparedFeatures,
  runs: VariantRun[],
  protocols: Protocol[] = ['clean', 'reference'],
  extra: (r: VariantRun) => Row = () => ({}),
): Row[] {
  const rows: Row[] = [];
  const pct = { scale: 100, digits: 1 };
  for (const r of runs) {
    for (const p of protocols) {
      const s = r.result.summary[p];
      rows.push({
        dataset: prepared.textDataset,
        split: prepared.split.name,
        method: r.variant.name,
        protocol: p === 'clean' ? 'clean' : 'reference (test-selected)',
        seeds: r.result.seeds.length,
        ZSL: formatMeanStd(s.zsl, pct),
        S: formatMeanStd(s.seen, pct),
        U: formatMeanStd(s.unseen, pct),
        H: formatMeanStd(s.harmonic, pct),
        ...extra(r),
      });
    }
  }
  return rows;
}
