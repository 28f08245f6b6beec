/**
 * `--set key=value` overrides of a preset: dotted paths into the config object (a FsvaeConfig, or
 * a stage-1 extractor config),
 * each value parsed and checked against the field it replaces (numbers stay finite numbers,
 * booleans true/false, named choices one of their names). `frequency.<field>` sets the field on
 * both encoders' frequency modules (the code builds them alike). Any edited frequency module is
 * marked preset 'custom'.
 */
import { FsvaeConfig } from './config';
import { ALIGNMENT_LOSSES } from '../losses/alignment';
import { parseTextMode } from '../text/compose';
import { FsvaeInputError } from '../util/assert';

const CHOICES: Record<string, readonly string[]> = {
  'alignment.loss': ALIGNMENT_LOSSES,
  'alignment.when': ['window', 'always'],
  decoderActivation: ['relu', 'linear'],
  reparameterisation: ['reference', 'per-dimension'],
  'skeletonFrequency.mode': ['low-high', 'learnable-only', 'off'],
  'textFrequency.mode': ['low-high', 'learnable-only', 'off'],
  'skeletonFrequency.highForm': ['eq3', 'appendix-f4'],
  'textFrequency.highForm': ['eq3', 'appendix-f4'],
};

/** Fields that must be positive integers. */
const POSITIVE_INTEGERS = new Set([
  'latentDim',
  'batchSize',
  'schedule.cycles',
  'schedule.stepsPerCycle',
  'schedule.klRamp',
  'classifier.samplesPerClass',
  'classifier.steps',
  'skeletonFrequency.bands',
  'textFrequency.bands',
]);

/** Every settable dotted path of a config with the type of its value ('number', 'boolean', 'string'). */
export function settablePaths(cfg: object): { path: string; type: string; value: unknown }[] {
  const out: { path: string; type: string; value: unknown }[] = [];
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, p);
      else if (['number', 'boolean', 'string'].includes(typeof v) && p !== 'name' && p !== 'description' && !p.endsWith('.preset'))
        out.push({ path: p, type: typeof v, value: v });
    }
  };
  walk(cfg as unknown as Record<string, unknown>, '');
  return out;
}

function parseValue(key: string, raw: string, current: unknown): number | boolean | string {
  if (typeof current === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new FsvaeInputError(`--set ${key}=${raw}: ${key} is a number; '${raw}' is not a finite number.`);
    if (POSITIVE_INTEGERS.has(key.replace(/^frequency\./, 'skeletonFrequency.')) && !(Number.isInteger(n) && n >= 1))
      throw new FsvaeInputError(`--set ${key}=${raw}: ${key} must be a positive integer.`);
    return n;
  }
  if (typeof current === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new FsvaeInputError(`--set ${key}=${raw}: ${key} is true or false.`);
    return raw === 'true';
  }
  const choices = CHOICES[key.replace(/^frequency\./, 'skeletonFrequency.')];
  if (choices && !choices.includes(raw)) throw new FsvaeInputError(`--set ${key}=${raw}: ${key} must be one of ${choices.join(', ')}.`);
  if (key === 'textMode') parseTextMode(raw);
  return raw;
}

function setPath(obj: Record<string, unknown>, parts: string[], value: unknown): void {
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

/**
 * A copy of `cfg` with the overrides applied ('key=value' strings), and the overrides as parsed.
 * Unknown keys, values of the wrong type and unknown choices are errors that list what is valid.
 */
export function applyOverrides<T extends object>(cfg: T, sets: readonly string[]): { config: T; overrides: Record<string, number | boolean | string> } {
  const out = structuredClone(cfg);
  const overrides: Record<string, number | boolean | string> = {};
  const known = new Map(settablePaths(cfg).map((p) => [p.path, p.value]));
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq < 1) throw new FsvaeInputError(`--set '${s}': write key=value, e.g. --set skeletonFrequency.phi=35.`);
    const key = s.slice(0, eq).trim();
    const raw = s.slice(eq + 1).trim();
    const targets = key.startsWith('frequency.') ? [`skeletonFrequency.${key.slice(10)}`, `textFrequency.${key.slice(10)}`] : [key];
    for (const t of targets) {
      if (!known.has(t)) {
        throw new FsvaeInputError(
          `--set ${key}: no such setting in preset '${(cfg as { name?: string }).name ?? '?'}'. ` +
            `Settable: ${settablePaths(cfg)
              .map((p) => p.path)
              .join(', ')} (and frequency.<field> for both encoders).`,
        );
      }
      const v = parseValue(key.startsWith('frequency.') ? key : t, raw, known.get(t));
      setPath(out as unknown as Record<string, unknown>, t.split('.'), v);
      const freq = t.split('.')[0];
      if (freq === 'skeletonFrequency' || freq === 'textFrequency') (out as unknown as FsvaeConfig)[freq].preset = 'custom';
      overrides[t] = v;
    }
  }
  return { config: out, overrides };
}
