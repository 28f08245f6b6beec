/**
 * Editing a preset: the one operation behind `--set key=value` and the tables' Variants
 * (lib/experiments/variants.ts). An edit is a dotted path into the config object (a FsvaeConfig,
 * or a stage-1 extractor config) and its value; from the command line each value is parsed and
 * checked against the field it replaces (numbers stay finite numbers, booleans true/false, named
 * choices one of their names). `frequency=<preset>` puts that frequency module on both encoders;
 * `frequency.<field>` sets the field on both (the code builds them alike). A module whose fields
 * were edited is labelled 'custom', unless a preset chosen in the same edits still matches it.
 */
import { FsvaeConfig } from './config';
import { FREQUENCY_PRESETS, FrequencyConfig, FrequencyPresetName, frequencyConfig } from '../frequency/enhancer';
import { ALIGNMENT_LOSSES } from '../losses/alignment';
import { parseTextMode } from '../text/compose';
import { FsvaeInputError } from '../util/assert';

const CHOICES: Record<string, readonly string[]> = {
  frequency: Object.keys(FREQUENCY_PRESETS),
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
  const both = cfg as Partial<FsvaeConfig>;
  if (both.skeletonFrequency && both.textFrequency) out.push({ path: 'frequency', type: 'string', value: both.skeletonFrequency.preset });
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

export type ConfigValue = number | boolean | string;

/** One edit of a config: a dotted path (or `frequency`, `frequency.<field>`) and its new value. */
export type ConfigEdit = readonly [path: string, value: ConfigValue];

const FREQUENCY_MODULES = ['skeletonFrequency', 'textFrequency'] as const;
type FrequencyModule = (typeof FREQUENCY_MODULES)[number];

function targetsOf(key: string): string[] {
  return key.startsWith('frequency.') ? FREQUENCY_MODULES.map((m) => `${m}.${key.slice('frequency.'.length)}`) : [key];
}

function matchesPreset(m: FrequencyConfig, name: FrequencyPresetName): boolean {
  const preset = FREQUENCY_PRESETS[name] as unknown as Record<string, unknown>;
  return Object.entries(m).every(([k, v]) => k === 'preset' || v === preset[k]);
}

/**
 * A copy of `cfg` with the edits applied in order (the values already checked; applyOverrides
 * checks them for the command line). The one way a preset is edited, by `--set` and by Variants.
 */
export function editConfig<T extends object>(cfg: T, edits: readonly ConfigEdit[]): T {
  const out = structuredClone(cfg) as unknown as Record<string, unknown>;
  const chosen: Partial<Record<FrequencyModule, FrequencyPresetName>> = {};
  const edited = new Set<FrequencyModule>();
  for (const [key, value] of edits) {
    if (key === 'frequency') {
      for (const m of FREQUENCY_MODULES) {
        out[m] = frequencyConfig(value as FrequencyPresetName);
        chosen[m] = value as FrequencyPresetName;
      }
      continue;
    }
    for (const t of targetsOf(key)) {
      setPath(out, t.split('.'), value);
      const m = t.split('.')[0] as FrequencyModule;
      if (FREQUENCY_MODULES.includes(m)) edited.add(m);
    }
  }
  for (const m of edited) {
    const module = out[m] as FrequencyConfig;
    const name = chosen[m];
    module.preset = name && matchesPreset(module, name) ? name : 'custom';
  }
  return out as unknown as T;
}

/**
 * A copy of `cfg` with the overrides applied ('key=value' strings, through editConfig), and the
 * overrides as parsed. Unknown keys, values of the wrong type and unknown choices are errors that
 * list what is valid.
 */
export function applyOverrides<T extends object>(cfg: T, sets: readonly string[]): { config: T; overrides: Record<string, ConfigValue> } {
  const overrides: Record<string, ConfigValue> = {};
  const edits: ConfigEdit[] = [];
  const known = new Map(settablePaths(cfg).map((p) => [p.path, p.value]));
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq < 1) throw new FsvaeInputError(`--set '${s}': write key=value, e.g. --set skeletonFrequency.phi=35.`);
    const key = s.slice(0, eq).trim();
    const raw = s.slice(eq + 1).trim();
    let value: ConfigValue | undefined;
    for (const t of targetsOf(key)) {
      if (!known.has(t)) {
        throw new FsvaeInputError(
          `--set ${key}: no such setting in preset '${(cfg as { name?: string }).name ?? '?'}'. ` +
            `Settable: ${settablePaths(cfg)
              .map((p) => p.path)
              .join(', ')} (and frequency.<field> for both encoders).`,
        );
      }
      value = parseValue(key.startsWith('frequency.') ? key : t, raw, known.get(t));
      overrides[t] = value;
    }
    edits.push([key, value!]);
  }
  return { config: editConfig(cfg, edits), overrides };
}
