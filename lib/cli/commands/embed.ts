/** `fsvae embed`: class text embeddings of a dataset, written as MSF-layout tables. */
import * as path from 'node:path';
import { checkWritable, CliCommand, CliUsageError, parseFlags } from '../registry';
import { writeNpy } from '../../data/npy';
import { repoRoot } from '../../data/paths';
import { DESCRIPTION_PARTS, DescriptionPart, descriptionTexts } from '../../text/descriptions';
import { TEXT_ENCODER_IDS, TextEncoderId, createTextEncoder, defaultTextEncoderId, isTextEncoderId, ClipTextEncoder } from '../../text/encoders';
import { TextEncoder } from '../../text/encoders/types';
import { DESCRIPTION_TO_MSF_PART } from '../../text/encoders/precomputed';
import { TEXT_DATASETS, cachedClassEmbeddings, defaultTextCacheDir, loadClassDescriptions } from '../../text/cache';

const DEFAULT_OUT = path.join('data', 'cache', 'text', 'export');

const USAGE = `usage: fsvae embed --dataset <name> [--encoder <${TEXT_ENCODER_IDS.join('|')}>] [--parts AL,LD,GD]
                   [--out <dir>] [--clip-dir <dir>] [--cache <dir>] [--no-cache]

Embeds the per-class texts of a dataset (action label AL, local description LD, global
description GD; data/descriptions/<dataset>.json, or the built-in 'generated' dataset) and writes
one table per part in the layout of MSF-GZSSAR's text features:
  <out>/text_feats/<encoder>/{lb,ad,md}_<C>.npy     float32 (C, dim), raw encoder output
(lb = AL, ad = GD, md = LD; C = number of classes). Embeddings are cached per encoder, dataset
and part under data/cache/text and recomputed only when a text or the encoder changes.

options:
  --encoder   use-lite (Universal Sentence Encoder Lite, 512-d, offline), clip-vit-b32 or
              clip-vit-b16 (CLIP text towers, 512-d: a local model folder, --clip-dir or
              $FSVAE_CLIP_DIR, else downloaded once from the Hugging Face hub into
              data/cache/clip/ when online); default $FSVAE_TEXT_ENCODER, else use-lite
  --dataset   ${TEXT_DATASETS.join(', ')}
  --parts     comma-separated subset of AL,LD,GD (default all three)
  --out       output root (default ${DEFAULT_OUT})
  --clip-dir  CLIP model folder (config.json, tokenizer.json, tokenizer_config.json,
              onnx/text_model.onnx), or a parent holding clip-vit-base-patch32/ or -patch16/
  --cache     cache folder (default data/cache/text)
  --no-cache  neither read nor write the cache

Exit code 0 on success, 1 when an input is missing or invalid, 2 on bad usage.`;

export interface EmbedIo {
  out: (line: string) => void;
}

function stringFlag(flags: Record<string, string | true>, k: string): string | undefined {
  const v = flags[k];
  if (v === true) throw new CliUsageError(`--${k} needs a value`);
  return v;
}

function parseParts(s: string | undefined): DescriptionPart[] {
  if (s === undefined) return [...DESCRIPTION_PARTS];
  const parts = s
    .split(',')
    .map((p) => p.trim().toUpperCase())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new CliUsageError('--parts is empty; use e.g. AL,LD,GD');
  for (const p of parts)
    if (!(DESCRIPTION_PARTS as readonly string[]).includes(p)) throw new CliUsageError(`--parts: unknown part '${p}'; use AL, LD and/or GD`);
  if (new Set(parts).size !== parts.length) throw new CliUsageError(`--parts repeats a part: ${s}`);
  return parts as DescriptionPart[];
}

function rowNormStats(data: Float32Array, rows: number, cols: number): { min: number; mean: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += data[r * cols + c] ** 2;
    const n = Math.sqrt(s);
    min = Math.min(min, n);
    max = Math.max(max, n);
    sum += n;
  }
  return { min, mean: sum / rows, max };
}

/** The command, with output through `io` and an optional encoder factory (tests inject one). */
export function createEmbedCommand(
  io: EmbedIo = { out: (s) => console.log(s) },
  makeEncoder: (id: TextEncoderId, clipDir?: string) => Promise<TextEncoder> = (id, clipDir) =>
    id === 'use-lite' ? createTextEncoder({ id, quiet: false }) : createTextEncoder({ id, modelDir: clipDir }),
): CliCommand {
  return {
    name: 'embed',
    summary: 'embed class labels/descriptions with a text encoder (MSF-layout tables)',
    usage: USAGE,
    async run(args: string[]): Promise<number> {
      const { flags, positional } = parseFlags(args, {
        encoder: 'string',
        dataset: 'string',
        parts: 'string',
        out: 'string',
        'clip-dir': 'string',
        cache: 'string',
        'no-cache': 'bool',
      });
      if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}'`);
      const encoderId = stringFlag(flags, 'encoder') ?? defaultTextEncoderId();
      if (!isTextEncoderId(encoderId)) throw new CliUsageError(`--encoder '${encoderId}' is unknown; use ${TEXT_ENCODER_IDS.join(', ')}`);
      if (flags['clip-dir'] !== undefined && !encoderId.startsWith('clip-'))
        throw new CliUsageError(`--clip-dir applies to the CLIP encoders, not to ${encoderId}`);
      const dataset = stringFlag(flags, 'dataset');
      if (!dataset) throw new CliUsageError(`--dataset is required (${TEXT_DATASETS.join(', ')})`);
      if (!TEXT_DATASETS.includes(dataset)) throw new CliUsageError(`--dataset '${dataset}' is unknown; use ${TEXT_DATASETS.join(', ')}`);
      const parts = parseParts(stringFlag(flags, 'parts'));
      const outRoot = path.resolve(stringFlag(flags, 'out') ?? path.join(repoRoot(), DEFAULT_OUT));
      const cacheDir = path.resolve(stringFlag(flags, 'cache') ?? defaultTextCacheDir());
      const useCache = flags['no-cache'] === undefined;
      checkWritable(outRoot, '--out', 'dir');
      if (useCache) checkWritable(cacheDir, '--cache', 'dir');

      const desc = loadClassDescriptions(dataset);
      const C = desc.classes.length;
      const encoder = await makeEncoder(encoderId, stringFlag(flags, 'clip-dir'));
      try {
        io.out(`encoder: ${encoder.id} (${encoder.identity}), dim ${encoder.dim}`);
        io.out(`dataset: ${dataset}, ${C} classes (${desc.file})`);
        io.out(`cache:   ${useCache ? cacheDir : 'disabled'}`);
        const outDir = path.join(outRoot, 'text_feats', encoder.id);
        let hits = 0;
        const lines: string[] = [];
        for (const part of parts) {
          const texts = descriptionTexts(desc, part);
          const e = await cachedClassEmbeddings(encoder, dataset, part, texts, { dir: cacheDir, enabled: useCache });
          if (e.status === 'hit') hits++;
          const file = path.join(outDir, `${DESCRIPTION_TO_MSF_PART[part]}_${C}.npy`);
          writeNpy(file, { dtype: 'float32', shape: [e.rows, e.cols], data: e.data });
          const n = rowNormStats(e.data, e.rows, e.cols);
          let note = '';
          if (encoder instanceof ClipTextEncoder) {
            const k = encoder.countTruncated(texts);
            if (k > 0) note = `, ${k} texts truncated to ${encoder.contextLength} tokens`;
          }
          lines.push(
            `  ${part} (${DESCRIPTION_TO_MSF_PART[part]})  ${e.rows} × ${e.cols}  ` +
              `row norm min/mean/max ${n.min.toFixed(4)}/${n.mean.toFixed(4)}/${n.max.toFixed(4)}  ` +
              `cache ${e.status}${note}  → ${file}`,
          );
        }
        io.out(`parts:`);
        for (const l of lines) io.out(l);
        io.out(`cache hits: ${hits}/${parts.length}`);
        return 0;
      } finally {
        await encoder.dispose?.();
      }
    },
  };
}

export const command: CliCommand = createEmbedCommand();
