import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ValidationMetric, ValidationReportData } from '@genesis/schema/reports';
import { REPO_ROOT } from '../config.ts';
import { DatasetSchema } from '../db/entities/dataset.entity.ts';
import { GenerationJobSchema } from '../db/entities/generation-job.entity.ts';
import {
  type ValidationReport,
  ValidationReportSchema,
} from '../db/entities/validation-report.entity.ts';
import type { Services } from '../db/orm.ts';
import { InputError, NotFoundError } from '../errors.ts';
import { startModuleWorker } from '../training/threads.ts';
import type { ValidationTask } from './worker.ts';

/** The reference profiles the project ships in data/reference (statistics of real datasets, never their text). */
export const REFERENCE_PROFILES = [
  {
    id: 'banking77',
    name: 'Banking77 (real customer queries, train split)',
    kind: 'utterances',
    description:
      '10,003 real English banking queries labelled with the 77 intents (PolyAI, CC BY 4.0)',
    file: 'data/reference/banking77.profile.json',
  },
  {
    id: 'electricity',
    name: 'Electricity load (real, 203 clients x 1,000 hours)',
    kind: 'timeseries',
    description: 'Hourly consumption of 203 clients (UCI ElectricityLoadDiagrams subset)',
    file: 'data/reference/electricity.profile.json',
  },
] as const;

export interface ValidateOptions {
  referenceDatasetId?: number | null;
  /** A shipped profile id; default: banking77 for text, electricity for time series. */
  profile?: string | null;
  /** Targets for the bias report; default: the generation job's targets, else the schema defaults. */
  targets?: Record<string, Record<string, number>> | null;
}

export interface DatasetComparison {
  aId: number;
  bId: number;
  reportA: ValidationReport;
  reportB: ValidationReport;
  metrics: {
    id: string;
    name: string;
    group: string;
    a: ValidationMetric | null;
    b: ValidationMetric | null;
    difference: number | null;
  }[];
  overlays: { id: string; name: string; labels: string[]; a: number[]; b: number[] }[];
  vocabularyOverlap: number | null;
  samples: { intent: string; a: unknown; b: unknown }[];
}

function loadShippedProfile(id: string): unknown {
  const entry = REFERENCE_PROFILES.find((p) => p.id === id);
  if (!entry) {
    throw new InputError([
      {
        path: 'profile',
        message: `unknown profile "${id}"; shipped: ${REFERENCE_PROFILES.map((p) => p.id).join(', ')}`,
      },
    ]);
  }
  const file = resolve(REPO_ROOT, entry.file);
  if (!existsSync(file)) {
    throw new InputError([
      {
        path: 'profile',
        message: `the ${id} profile is missing (${entry.file}); rebuild it with its script`,
      },
    ]);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Runs one validation task in a worker thread, so a 100k-item report never blocks the API. */
function inWorker<T>(task: ValidationTask): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const worker = startModuleWorker(new URL('./worker.ts', import.meta.url), task);
    worker.once('message', (msg: { ok: true; result: T } | { ok: false; message: string }) => {
      void worker.terminate();
      if (msg.ok) resolvePromise(msg.result);
      else reject(new Error(msg.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`validation worker exited with code ${code}`));
    });
  });
}

/**
 * The reference profile of a registry dataset: statistics only (label, length and vocabulary distributions,
 * n-gram sketches; per-series statistics for time series), never the text or values themselves.
 */
export async function buildReferenceProfile(
  services: Services,
  datasetId: number,
): Promise<unknown> {
  const em = services.em.fork();
  const dataset = await em.findOne(DatasetSchema, datasetId);
  if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
  const items: unknown[] = [];
  for await (const d of services.datasets(em).streamItems(datasetId)) items.push(d);
  return inWorker({ op: 'profile', kind: dataset.kind, name: dataset.name, items });
}

/**
 * Validates registry datasets against reference profiles and stores versioned reports; compares datasets.
 */
export class ValidationManager {
  constructor(private readonly services: Services) {}

  async #items(datasetId: number): Promise<unknown[]> {
    const items: unknown[] = [];
    for await (const d of this.services.datasets(this.services.em.fork()).streamItems(datasetId))
      items.push(d);
    return items;
  }

  async validate(datasetId: number, options: ValidateOptions = {}): Promise<ValidationReport> {
    const em = this.services.em.fork();
    const dataset = await em.findOne(DatasetSchema, datasetId);
    if (!dataset) throw new NotFoundError('Dataset', String(datasetId));
    const family = dataset.kind === 'timeseries' ? 'timeseries' : 'text';
    let profile: unknown = null;
    let profileName: string | null = null;
    if (options.referenceDatasetId) {
      const ref = await em.findOne(DatasetSchema, options.referenceDatasetId);
      if (!ref) throw new NotFoundError('Dataset', String(options.referenceDatasetId));
      if ((ref.kind === 'timeseries') !== (family === 'timeseries')) {
        throw new InputError([
          {
            path: 'referenceDatasetId',
            message: `dataset ${ref.id} holds ${ref.kind}; it can't be the reference of ${dataset.kind}`,
          },
        ]);
      }
      profile = await inWorker({
        op: 'profile',
        kind: ref.kind,
        name: ref.name,
        items: await this.#items(ref.id),
      });
      profileName = ref.name;
    } else {
      const id = options.profile ?? (family === 'timeseries' ? 'electricity' : 'banking77');
      const entry = REFERENCE_PROFILES.find((p) => p.id === id);
      if (entry && (entry.kind === 'timeseries') !== (family === 'timeseries')) {
        throw new InputError([
          {
            path: 'profile',
            message: `the ${id} profile describes ${entry.kind}, not ${dataset.kind}`,
          },
        ]);
      }
      profile = loadShippedProfile(id);
      profileName = entry?.name ?? id;
    }
    let targets = options.targets ?? null;
    if (!targets && dataset.origin === 'generated') {
      const job = await em.findOne(
        GenerationJobSchema,
        { dataset: datasetId },
        { orderBy: { id: 'desc' } },
      );
      targets = ((
        job?.config as { targets?: Record<string, Record<string, number> | null> } | undefined
      )?.targets ?? null) as never;
      if (targets)
        targets = Object.fromEntries(
          Object.entries(targets).filter(([, v]) => v !== null),
        ) as never;
    }
    const report = await inWorker<ValidationReportData>({
      op: 'validate',
      kind: dataset.kind,
      items: await this.#items(datasetId),
      profile,
      targets,
    });
    return em.transactional(async (tx) => {
      const last = await tx.findOne(
        ValidationReportSchema,
        { dataset: datasetId },
        { orderBy: { version: 'desc' } },
      );
      const stored = tx.create(ValidationReportSchema, {
        dataset: datasetId,
        version: (last?.version ?? 0) + 1,
        reference: {
          name: profileName,
          referenceDatasetId: options.referenceDatasetId ?? null,
          profile: options.profile ?? null,
          targets,
        },
        overallScore: report.overall.score,
        report: report as unknown as Record<string, unknown>,
      } as never);
      await tx.flush();
      return stored;
    });
  }

  /** The latest report of a dataset, or a new one when it has none. */
  async #latest(datasetId: number, profile: string | null): Promise<ValidationReport> {
    const existing = await this.services.em
      .fork()
      .findOne(ValidationReportSchema, { dataset: datasetId }, { orderBy: { version: 'desc' } });
    return existing ?? this.validate(datasetId, { profile });
  }

  async compare(aId: number, bId: number, profile: string | null): Promise<DatasetComparison> {
    const em = this.services.em.fork();
    const [a, b] = await Promise.all([
      em.findOne(DatasetSchema, aId),
      em.findOne(DatasetSchema, bId),
    ]);
    if (!a) throw new NotFoundError('Dataset', String(aId));
    if (!b) throw new NotFoundError('Dataset', String(bId));
    if ((a.kind === 'timeseries') !== (b.kind === 'timeseries')) {
      throw new InputError([{ path: 'b', message: `can't compare ${a.kind} with ${b.kind}` }]);
    }
    const reportA = await this.#latest(aId, profile);
    const reportB = await this.#latest(bId, profile);
    const ra = reportA.report as unknown as ValidationReportData;
    const rb = reportB.report as unknown as ValidationReportData;
    const byIdB = new Map(rb.metrics.map((m) => [m.id, m]));
    const ids = [...new Set([...ra.metrics.map((m) => m.id), ...rb.metrics.map((m) => m.id)])];
    const byIdA = new Map(ra.metrics.map((m) => [m.id, m]));
    const metrics = ids.map((id) => {
      const ma = byIdA.get(id) ?? null;
      const mb = byIdB.get(id) ?? null;
      const m = (ma ?? mb)!;
      return {
        id,
        name: m.name,
        group: m.group,
        a: ma,
        b: mb,
        difference: ma?.value != null && mb?.value != null ? mb.value - ma.value : null,
      };
    });
    const distB = new Map(rb.distributions.map((d) => [d.id, d]));
    const overlays = ra.distributions
      .filter((d) => distB.has(d.id))
      .map((d) => {
        const other = distB.get(d.id)!;
        const labels = [...new Set([...d.labels, ...other.labels])];
        const pick = (dist: typeof d, label: string) => {
          const i = dist.labels.indexOf(label);
          return i >= 0 ? (dist.dataset[i] ?? 0) : 0;
        };
        return {
          id: d.id,
          name: d.name,
          labels,
          a: labels.map((l) => pick(d, l)),
          b: labels.map((l) => pick(other, l)),
        };
      });
    let vocabularyOverlap: number | null = null;
    const samples: DatasetComparison['samples'] = [];
    if (a.kind !== 'timeseries') {
      const [itemsA, itemsB] = await Promise.all([this.#items(aId), this.#items(bId)]);
      const vocab = (items: unknown[]) => {
        const set = new Set<string>();
        for (const it of items) {
          const d = it as { text?: string; turns?: { text: string }[] };
          const text = d.text ?? (d.turns ?? []).map((t) => t.text).join(' ');
          for (const w of text
            .toLowerCase()
            .normalize('NFD')
            .replace(/\p{M}/gu, '')
            .match(/\p{L}+/gu) ?? [])
            set.add(w);
        }
        return set;
      };
      const va = vocab(itemsA);
      const vb = vocab(itemsB);
      let inter = 0;
      for (const w of va) if (vb.has(w)) inter++;
      const union = va.size + vb.size - inter;
      vocabularyOverlap = union ? inter / union : null;
      const firstByIntent = (items: unknown[]) => {
        const m = new Map<string, unknown>();
        for (const it of items) {
          const intent = (it as { intent?: string }).intent;
          if (intent && !m.has(intent)) m.set(intent, it);
        }
        return m;
      };
      const fa = firstByIntent(itemsA);
      const fb = firstByIntent(itemsB);
      for (const intent of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
        samples.push({ intent, a: fa.get(intent) ?? null, b: fb.get(intent) ?? null });
      }
    }
    return { aId, bId, reportA, reportB, metrics, overlays, vocabularyOverlap, samples };
  }
}
