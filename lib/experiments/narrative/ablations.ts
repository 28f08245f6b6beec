// Texts of lib/experiments/ablations.ts: the notes of results/ablation_table5[_full].* and ablation_fig4[_full].*, and the sweep observations (notebook 04).

/** One dataset's stage-2 settings, as the reused-runs note lists them. */
export function stage2Settings(split: string, cycles: number, stepsPerCycle: number, latentDim: number, alpha: number, lambda: number): string {
  return `${split}: ${cycles} cycles × ${stepsPerCycle} steps, latent ${latentDim}, α ${alpha}, λ ${lambda}`;
}

export const CLEAN_PROTOCOL_NOTE =
  'ZSL (clean) = the cycle chosen on the pseudo-unseen validation split (test set never used for a choice); val ZSL at chosen cycle = that ' +
  "validation accuracy (at chance, 1/|val-unseen|, the choice carries no signal); ZSL (test-selected cycle) = the public code's choice of the " +
  'best cycle on the test set, shown for comparison only.';

/** `samples`: each dataset's ZSL test samples, 'split: n = …' joined by '; '. */
export function binomialSeNote(samples: string): string {
  return (
    "SE 1 seed = binomial standard error of one seed's ZSL, √(p(1−p)/n) with n = the ZSL test samples " +
    `(${samples}): ` +
    'differences smaller than about 2 SE are noise.'
  );
}

export const PAPER_COLUMNS_NOTE =
  "paper NTU-… columns: the paper's reported ZSL on NTU-60/120 (Shift-GCN features, CLIP ViT-B/32 text). Our rows are measured on the dataset " +
  "named in the first column; unless it is an NTU split they are NOT comparable to the paper's numbers, only the trends are.";

export const GENERATED_DATASET_NOTE =
  'The generated dataset is synthetic (lib/data/generator → stage 1 → 256-d features); its text comes from the USE-Lite encoder. Its numbers ' +
  'exercise the ablations, they do not reproduce the paper.';

export const MODULE_SWITCHES_NOTE =
  "SD on = text lb_ad_md (AL+GD+LD), off = lb (AL only); FM on = the public code's module (φ = 30, b = 30, k = 0.3) on both encoders, " +
  'off = identity; CL on = calibrated alignment (code form, λ·α on the sigmoid means), off = MSF cross-reconstruction.';

export const FREQUENCY_ON_VECTOR_NOTE =
  'The frequency module acts on the stage-1 feature VECTOR (256-d DCT over feature channels), exactly as the public code does, not along time.';

export const TEXT_LOSSES_NOTE =
  'L_T1..L_T4 implement Eq. 25-28 as printed. L_T2 (Eq. 26) is log σ(·), unbounded below: minimising it pushes negatives away without limit and ' +
  'can collapse the latent space; whatever accuracy results is reported as measured.';

/** `stage2`: the stage2Settings of every entry joined by '; '; `seeds`: the seeds joined by ', '. */
export function reusedRunsNote(stage2: string, seeds: string): string {
  return (
    "Identical configurations (e.g. the full model appears in Tables 3, 4, 5, 9 and Fig. 4) are trained once per dataset; 'reused run' names the row " +
    `whose run is shown. Stage 2: ${stage2}. Seeds: ${seeds}.`
  );
}

/** How the sweeps test the paper's best setting; the arguments are the paper's best α, λ, φ and b. */
export function sweepClaimsNote(alpha: number, lambda: number, phi: number, bands: number): string {
  return (
    `claim / verdict (sweeps): the paper calls α = ${alpha}, λ = ${lambda} (Table 5) and ` +
    `φ = ${phi}, b = ${bands} (Fig. 4) best; each other value x of a sweep is tested with ` +
    "Δ = ZSL(paper's value) − ZSL(x), paired by seed on the same features, 95 % t-interval over seeds, in points: supports = interval above 0, " +
    "contradicts = below 0, inconclusive = contains 0 (always with one seed). The λ sweep runs at the preset's α and the α sweep at the preset's " +
    "λ (Stage 2 above), not at the paper's pair. A band is low when it ends at or before φ, so two thresholds between the same band edges build " +
    "the same module: such a row repeats the paper's setting's runs exactly (every seed and cycle) and is marked 'the same module', not tested. " +
    'Each comparison is at the 95 % level with no correction for the many comparisons of the sweeps: about 1 in 20 comparisons of settings that ' +
    'do not differ comes out decided by chance.'
  );
}

/** What one sweep on one dataset says about the paper's "best" setting. */
export interface SweepObservation {
  /** '<text dataset> <split>' */
  dataset: string;
  /** the swept parameter's symbol (α, λ, φ, b) */
  sym: string;
  /** the paper's best value */
  best: number;
  /** how many other values were tested */
  others: number;
  /** seeds per comparison */
  n: number;
  supports: number;
  contradicts: number;
  inconclusive: number;
  /** the values that built the same module as the paper's (not counted) */
  same: readonly number[];
  /** the value with the highest mean ZSL */
  top: number;
}

export function sweepObservation(o: SweepObservation): string {
  const { sym, best, n } = o;
  return (
    `${o.dataset}: "${sym} = ${best} is best" against the ${o.others} other values ` +
    `(${n} seed${n === 1 ? '' : 's'} each): ${o.supports} supports, ${o.contradicts} contradicts, ` +
    `${o.inconclusive} inconclusive${n < 2 ? ' (one seed leaves no interval)' : ''}` +
    `${o.same.length ? `; ${o.same.map((x) => `${sym} = ${x}`).join(', ')} built the same module as ${sym} = ${best} (identical runs, not counted)` : ''}` +
    `; highest mean ZSL at ${sym} = ${o.top}.`
  );
}
