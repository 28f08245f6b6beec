/**
 * Zero-shot seen/unseen splits of the generated classes.
 *
 * Rule: a class may be unseen only if every semantic factor of it (limbs, paths per body-part
 * kind, symmetry, amplitude, tempo, locomotion; see compositionFactors) also occurs in some seen
 * class; in particular each unseen class shares at least one primitive (body-part kind + path)
 * with a seen class. Unseen classes are picked greedily in a fixed pseudo-random order (Random
 * seeded by the split size, independent of the data seed, so splits are a property of the class
 * catalogue like the fixed NTU splits), first avoiding two unseen classes with the same leading
 * primitive, then without that preference if needed; when a pass falls short, the next shuffle
 * is tried, and only when 64 shuffles fail is the rule relaxed (to every limb and primitive seen,
 * then to one shared primitive); each split records the rule it meets. The validation pseudo-split (for the GZSL
 * gate, as the SynSE / FS-VAE `rv` lists) applies the same rule inside the seen classes, with the
 * same number of pseudo-unseen classes.
 */
import { FsvaeInputError } from '../../util/assert';
import { Random } from '../../util/random';
import { ActionComposition, compositionFactors, limbKind, primitiveKeys } from './composition';

export interface ZeroShotSplit {
  /** 'seen/unseen' class counts, e.g. '35/5'. */
  name: string;
  /** class ids, ascending. */
  unseen: number[];
  seen: number[];
  /** pseudo-unseen classes inside `seen`, same count as `unseen`. */
  valUnseen: number[];
  /** seen minus valUnseen. */
  valSeen: number[];
  /** the rule the unseen classes satisfy with respect to the seen ones. */
  coverage: CoverageRule;
  /** the rule valUnseen satisfies with respect to valSeen. */
  valCoverage: CoverageRule;
}

/**
 * How much of a held-out class must also occur in the remaining classes: 'all-factors' (every
 * factor of compositionFactors), 'limbs-and-paths' (every limb and every primitive), or
 * 'shared-primitive' (at least one primitive, body-part kind + path).
 */
export type CoverageRule = 'all-factors' | 'limbs-and-paths' | 'shared-primitive';

const factorCache = new WeakMap<ActionComposition, { factors: string[]; keys: string[] }>();
function cached(c: ActionComposition): { factors: string[]; keys: string[] } {
  let e = factorCache.get(c);
  if (!e) factorCache.set(c, (e = { factors: compositionFactors(c), keys: primitiveKeys(c) }));
  return e;
}

/** True when every class in `held` is covered by the classes in `rest` under `rule`. */
export function factorsCovered(
  classes: readonly ActionComposition[],
  held: readonly number[],
  rest: readonly number[],
  rule: CoverageRule = 'all-factors',
): boolean {
  const keep = (f: string) => rule === 'all-factors' || (rule === 'limbs-and-paths' && (f.startsWith('limb:') || f.startsWith('path:')));
  const attested = new Set(rest.flatMap((i) => cached(classes[i]).factors));
  const keys = new Set(rest.flatMap((i) => cached(classes[i]).keys));
  return held.every((i) => cached(classes[i]).factors.every((f) => !keep(f) || attested.has(f)) && cached(classes[i]).keys.some((k) => keys.has(k)));
}

function shuffled(ids: readonly number[], seed: number): number[] {
  const rng = new Random(seed);
  const a = [...ids];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** One greedy pass in the order of a shuffle; null when it cannot hold out `count` classes. */
function greedyHeldOut(classes: readonly ActionComposition[], pool: readonly number[], count: number, seed: number, rule: CoverageRule): number[] | null {
  const order = shuffled(pool, seed);
  const lead = (i: number) => `${limbKind(classes[i].primitives[0].limb)}/${classes[i].primitives[0].path}`;
  const chosen: number[] = [];
  for (const distinctLead of [true, false]) {
    for (const cand of order) {
      if (chosen.length === count) break;
      if (chosen.includes(cand)) continue;
      if (distinctLead && chosen.some((c) => lead(c) === lead(cand))) continue;
      const held = [...chosen, cand];
      const rest = pool.filter((i) => !held.includes(i));
      if (factorsCovered(classes, held, rest, rule)) chosen.push(cand);
    }
  }
  return chosen.length === count ? chosen.sort((a, b) => a - b) : null;
}

const ATTEMPTS = 64;
const RULES: readonly CoverageRule[] = ['all-factors', 'limbs-and-paths', 'shared-primitive'];

/**
 * Picks `count` held-out classes from `pool`: for each rule from the strictest, greedy passes over
 * the shuffles seeded seed, seed + 1, ... (at most 64); the first result that `accept` takes.
 * Returns null when none is found.
 */
export function chooseHeldOut(
  classes: readonly ActionComposition[],
  pool: readonly number[],
  count: number,
  seed: number,
  accept: (held: number[]) => boolean = () => true,
): { held: number[]; rule: CoverageRule } | null {
  if (!Number.isInteger(count) || count < 1 || count >= pool.length) {
    throw new FsvaeInputError(`zero-shot split: ${count} unseen classes out of ${pool.length} is not possible; use 1..${pool.length - 1}.`);
  }
  for (const rule of RULES) {
    for (let a = 0; a < ATTEMPTS; a++) {
      const held = greedyHeldOut(classes, pool, count, seed + a, rule);
      if (held && accept(held)) return { held, rule };
    }
  }
  return null;
}

/** Seen/unseen splits with validation pseudo-splits, one per entry of `unseenSizes`. */
export function zeroShotSplits(classes: readonly ActionComposition[], unseenSizes: readonly number[]): ZeroShotSplit[] {
  const all = classes.map((_, i) => i);
  return unseenSizes.map((k) => {
    if (!Number.isInteger(k) || k < 1 || 2 * k > all.length - 2) {
      throw new FsvaeInputError(
        `zero-shot split: ${k} unseen classes is not possible with ${
          all.length
        } classes (the seen classes must hold as many pseudo-unseen ones and at least 2 more); use 1..${Math.floor((all.length - 2) / 2)}.`,
      );
    }
    const seenOf = (unseen: number[]) => all.filter((i) => !unseen.includes(i));
    const valSeed = 2000 * (k + 1);
    const u = chooseHeldOut(classes, all, k, 1000 * (k + 1), (held) => chooseHeldOut(classes, seenOf(held), k, valSeed) !== null);
    if (!u)
      throw new FsvaeInputError(
        `zero-shot split: no way found to hold out ${k} of ${
          all.length
        } classes so that each shares a primitive with a seen class; ask for fewer unseen classes.`,
      );
    const seen = seenOf(u.held);
    const v = chooseHeldOut(classes, seen, k, valSeed) as { held: number[]; rule: CoverageRule };
    const valSeen = seen.filter((i) => !v.held.includes(i));
    return { name: `${seen.length}/${k}`, unseen: u.held, seen, valUnseen: v.held, valSeen, coverage: u.rule, valCoverage: v.rule };
  });
}
