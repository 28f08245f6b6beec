/**
 * Precomputed class text features (the CLIP tables MSF-GZSSAR and FS-VAE ship,
 * text_feats/ViT-B/{32,16}/{lb,ad,md}_{60,120}.npy, see lib/data/text-tables.ts) behind the same
 * per-class API as the encoders. A table is not an encoder: it cannot embed an arbitrary string,
 * it only maps a class index of NTU-60/120 to its row. Its parts carry MSF's texts
 * (sem_info/*.csv): lb = action label (AL), ad = MSF's dictionary-style definition, used as the
 * global description (GD), md = motion description, used as the local description (LD).
 */
import { FsvaeInputError } from '../../util/assert';
import { locateData } from '../../data/paths';
import {
  CLIP_TEXT_DIM,
  MSF_PART_TO_DESCRIPTION,
  MsfTextPart,
  NtuClassCount,
  TextEncoderName,
  TEXT_ENCODERS,
  TextTable,
  readSemInfo,
  readTextTable,
} from '../../data/text-tables';
import { DescriptionPart } from '../descriptions';

/** Paper part name → MSF file part (the inverse of MSF_PART_TO_DESCRIPTION: AL = lb, GD = ad, LD = md). */
export const DESCRIPTION_TO_MSF_PART: Readonly<Record<DescriptionPart, MsfTextPart>> = { AL: 'lb', GD: 'ad', LD: 'md' };

/** Datasets the MSF tables cover and their class counts. */
export const PRECOMPUTED_DATASETS: Readonly<Record<string, NtuClassCount>> = { ntu60: 60, ntu120: 120 };

export class PrecomputedTextSource {
  /** e.g. 'msf-table:ViT-B/32'. */
  readonly id: string;
  readonly identity: string;
  readonly dim = CLIP_TEXT_DIM;
  private readonly tables = new Map<string, TextTable>();

  /** `root` holds text_feats/ (and sem_info/), e.g. ../shared/data/msf-text. */
  constructor(
    readonly root: string,
    readonly encoder: TextEncoderName,
  ) {
    if (!(TEXT_ENCODERS as readonly string[]).includes(encoder)) {
      throw new FsvaeInputError(`PrecomputedTextSource: encoder '${encoder}' is unknown; use ${TEXT_ENCODERS.join(' or ')}.`);
    }
    this.id = `msf-table:${encoder}`;
    this.identity = `${this.id}|${root}`;
  }

  /** Finds the tables with locateData('msf-text', explicit); throws with the folders tried when absent. */
  static locate(encoder: TextEncoderName, explicit?: string): PrecomputedTextSource {
    const loc = locateData('msf-text', explicit);
    if (!loc.path) {
      throw new FsvaeInputError(
        `precomputed text tables (msf-text) not found; tried ${loc.tried.join(', ')}. ` +
          `Download sem_info/ and text_feats/ of MSF-GZSSAR into data/external/msf-text (or set $FSVAE_DATA).`,
      );
    }
    return new PrecomputedTextSource(loc.path, encoder);
  }

  private classCount(dataset: string): NtuClassCount {
    const c = PRECOMPUTED_DATASETS[dataset];
    if (c === undefined) {
      throw new FsvaeInputError(
        `${this.id}: no precomputed table for dataset '${dataset}' (tables exist for ${Object.keys(PRECOMPUTED_DATASETS).join(', ')}); ` +
          `use a text encoder (use-lite, clip-vit-b32, clip-vit-b16) for other datasets.`,
      );
    }
    return c;
  }

  private static msfPart(part: DescriptionPart | MsfTextPart): MsfTextPart {
    if (part in DESCRIPTION_TO_MSF_PART) return DESCRIPTION_TO_MSF_PART[part as DescriptionPart];
    if (part in MSF_PART_TO_DESCRIPTION) return part as MsfTextPart;
    throw new FsvaeInputError(`precomputed text: part '${String(part)}' is unknown; use AL/GD/LD (or lb/ad/md).`);
  }

  /** The (C, 512) raw table of a part: row i is class i. `part` in paper (AL/GD/LD) or file (lb/ad/md) names. */
  rows(dataset: string, part: DescriptionPart | MsfTextPart): TextTable {
    const numClasses = this.classCount(dataset);
    const p = PrecomputedTextSource.msfPart(part);
    const key = `${p}_${numClasses}`;
    let t = this.tables.get(key);
    if (!t) {
      t = readTextTable(this.root, { encoder: this.encoder, part: p, numClasses });
      this.tables.set(key, t);
    }
    return t;
  }

  /** The row of one class (a copy). */
  row(dataset: string, part: DescriptionPart | MsfTextPart, classIndex: number): Float32Array {
    const t = this.rows(dataset, part);
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= t.rows) {
      throw new FsvaeInputError(`${this.id}: class index ${classIndex} is outside 0..${t.rows - 1} for ${dataset}.`);
    }
    return t.data.slice(classIndex * t.cols, (classIndex + 1) * t.cols);
  }

  /** The texts the rows were computed from (sem_info CSV), in class order. */
  texts(dataset: string, part: DescriptionPart | MsfTextPart): string[] {
    return readSemInfo(this.root, PrecomputedTextSource.msfPart(part), this.classCount(dataset));
  }
}
