/**
 * A report's sentences carry a message code and parameters beside their English text, and the web app's
 * English catalogue (`report.reason.<code>` in web/src/lib/i18n/en.json) says each exactly as the report
 * does: rendering the catalogue's template with the message's parameters gives the report's text, so the
 * templates cannot drift from what the server writes (docs/validation.md, "Report text in other languages").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatMessage, type Message, type Term } from '@genesis/schema/report-message';
import type { ValidationReportData } from '@genesis/schema/reports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/platform/config.ts';
import { DatasetSchema } from '../src/registry/dataset.entity.ts';
import { pairMetrics } from '../src/validation/compare-metrics.ts';
import { REPORT_CODES, REPORT_MESSAGES } from '../src/validation/messages.ts';
import { validateSeries } from '../src/validation/series/report.ts';
import { equalSampleDiversity } from '../src/validation/text/equal-sample.ts';
import { validateText } from '../src/validation/text/report.ts';
import { ValidationReportSchema } from '../src/validation/validation-report.entity.ts';
import { startTestServer, type TestServer } from './helpers/app.ts';
import { generatedConversations } from './helpers/conversations.ts';
import { banking77Profile, electricityProfile, engineSeries } from './helpers/validation-data.ts';

const catalogue = JSON.parse(
  readFileSync(resolve(REPO_ROOT, 'web/src/lib/i18n/en.json'), 'utf8'),
) as Record<string, string>;
const english = (code: string) => catalogue[`report.reason.${code}`];

/** Every sentence of a report with its message (undefined when it has none). */
function sentences(
  report: ValidationReportData,
): Array<{ where: string; text: string; message?: Message }> {
  const out: Array<{ where: string; text: string; message?: Message }> = [];
  if (report.reason !== undefined) {
    out.push({ where: 'reason', text: report.reason, message: report.reasonMessage });
  }
  for (const m of report.metrics) {
    if (m.reason !== undefined) out.push({ where: m.id, text: m.reason, message: m.reasonMessage });
  }
  for (const m of report.coverage?.notMeasured ?? []) {
    out.push({ where: `notMeasured ${m.metricId}`, text: m.reason, message: m.reasonMessage });
  }
  for (const m of report.coverage?.missing ?? []) {
    out.push({ where: 'missing what', text: m.what, message: m.whatMessage });
    out.push({ where: 'missing how', text: m.how, message: m.howMessage });
  }
  report.bias?.reasons.forEach((text, i) => {
    out.push({ where: `bias ${i}`, text, message: report.bias?.reasonMessages?.[i] });
  });
  return out;
}

/** Every code a message uses, its nested ones included (a term has none). */
function codesOf(message: Message | Term): string[] {
  if ('term' in message) return [];
  const nested = Object.values(message.params ?? {}).flatMap((p) =>
    typeof p === 'object' ? ('items' in p ? p.items.flatMap(codesOf) : codesOf(p)) : [],
  );
  return [message.code, ...nested];
}

describe('report messages', () => {
  const items = generatedConversations(240, 3);
  const skewed = generatedConversations(240, 5).map((c, i) =>
    i < 150 ? { ...c, sentiment: 'negative' as const } : c,
  );
  const utterances = items.map((c) => ({
    text: c.turns[0]!.text,
    intent: c.intent,
    language: c.language,
  }));
  const loads = ['residential_consumption', 'commercial_consumption', 'industrial_load'].flatMap(
    (type) => Array.from({ length: 4 }, (_, i) => engineSeries(type, i + 1)),
  );
  const reports: Record<string, ValidationReportData> = {
    'conversations against Banking77 (Spanish unreferenced)': validateText(items, 'conversations', {
      profile: banking77Profile,
    }),
    'conversations without a reference': validateText(items, 'conversations'),
    'a sentiment skew': validateText(skewed, 'conversations', { profile: banking77Profile }),
    'utterances against Banking77': validateText(utterances, 'utterances', {
      profile: banking77Profile,
    }),
    'five conversations': validateText(items.slice(0, 5), 'conversations', {
      profile: banking77Profile,
    }),
    'an empty dataset': validateText([], 'conversations'),
    'series against electricity': validateSeries(loads, { profile: electricityProfile }),
    'series without a reference': validateSeries(loads.slice(0, 3)),
  };

  it('the English catalogue says every code exactly as the server does', () => {
    const keys = Object.keys(catalogue)
      .filter((k) => k.startsWith('report.reason.'))
      .map((k) => k.slice('report.reason.'.length))
      .sort();
    expect(keys).toEqual([...REPORT_CODES].sort());
    for (const code of REPORT_CODES) expect(english(code), code).toBe(REPORT_MESSAGES[code]);
  });

  for (const [name, report] of Object.entries(reports)) {
    it(`${name}: each sentence has a message that the catalogue renders to its text`, () => {
      const list = sentences(report);
      expect(list.length).toBeGreaterThan(0);
      for (const { where, text, message } of list) {
        expect(message, `${where}: ${text}`).toBeDefined();
        expect(formatMessage(message!, english, 'en'), where).toBe(text);
        for (const code of codesOf(message!)) expect(REPORT_CODES, where).toContain(code);
      }
    });
  }

  it("a comparison's notes have messages that the catalogue renders to their text", () => {
    const equal = equalSampleDiversity(
      items.slice(0, 60),
      'conversations',
      skewed,
      'conversations',
    );
    expect(equal?.noteMessage).toBeDefined();
    expect(formatMessage(equal!.noteMessage!, english, 'en')).toBe(equal!.note);
    const pairs = pairMetrics(
      reports['conversations against Banking77 (Spanish unreferenced)']!,
      reports['a sentiment skew']!,
      equal,
    );
    expect(pairs.length).toBeGreaterThan(10);
    for (const pair of pairs) {
      expect(pair.noteMessage, pair.id).toBeDefined();
      expect(formatMessage(pair.noteMessage!, english, 'en'), pair.id).toBe(pair.note);
    }
  });

  it('the reports cover the verdict lines, the coverage gaps and the bias findings', () => {
    const codes = new Set(
      Object.values(reports).flatMap((r) =>
        sentences(r).flatMap((s) => (s.message ? codesOf(s.message) : [])),
      ),
    );
    for (const code of [
      'verdict.line',
      'verdict.tooFew',
      'verdict.noReference',
      'verdict.noItems',
      'missing.language',
      'missing.textReference',
      'missing.seriesReference',
      'metric.minimum',
      'bias.finding',
      'realism.jsd',
      'privacy.memorised',
    ]) {
      expect(codes, code).toContain(code);
    }
  });
});

const REPORT = `query($id: ID!) { validationReport(id: $id) {
  reason reasonMessage { code params text }
  gates { metricId name nameMessage { code text } }
  metrics { id reason reasonMessage { code params text } }
  coverage { notMeasured { reason reasonMessage { code text } } missing { what whatMessage { code text } how howMessage { code text } } }
  bias { reasons reasonMessages { code text } } } }`;

describe('report messages over GraphQL', () => {
  let s: TestServer;
  const ids: Record<'current' | 'old', string> = { current: '', old: '' };
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    const em = s.app.services.em.fork();
    const dataset = em.create(DatasetSchema, {
      name: 'messages',
      kind: 'conversations',
      origin: 'generated',
      itemCount: 240,
    });
    const current = validateText(generatedConversations(240, 3), 'conversations', {
      profile: banking77Profile,
    });
    // A report stored before reasons and messages existed: no reason line, no message anywhere.
    const { reason: _r, reasonMessage: _m, gates: _g, coverage: _c, ...old } = current;
    const stripped = {
      ...old,
      metrics: old.metrics.map(({ reasonMessage: _x, ...m }) => m),
      bias: old.bias ? { severity: old.bias.severity, reasons: old.bias.reasons } : null,
    };
    const a = em.create(ValidationReportSchema, { dataset, version: 1, report: stripped });
    const b = em.create(ValidationReportSchema, { dataset, version: 2, report: current });
    await em.flush();
    ids.old = String(a.id);
    ids.current = String(b.id);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('gives each sentence its message beside the English text', async () => {
    const r = (await s.gql<any>(REPORT, { id: ids.current })).data.validationReport;
    expect(r.reasonMessage.code).toBe('verdict.line');
    expect(r.reasonMessage.text).toBe(r.reason);
    expect(formatMessage(r.reasonMessage, english, 'en')).toBe(r.reason);
    for (const m of r.metrics) {
      if (m.reason === null) continue;
      expect(m.reasonMessage?.text, m.id).toBe(m.reason);
      expect(formatMessage(m.reasonMessage, english, 'en'), m.id).toBe(m.reason);
    }
    for (const g of r.gates) expect(g.nameMessage.text).toBe(g.name);
    for (const g of r.gates) expect(english(g.nameMessage.code)).toBe(g.name);
    for (const m of r.coverage.missing) {
      expect(m.whatMessage.text).toBe(m.what);
      expect(m.howMessage.text).toBe(m.how);
    }
  });

  it('an older report keeps its English text, with no message, and its score line as one', async () => {
    const r = (await s.gql<any>(REPORT, { id: ids.old })).data.validationReport;
    expect(r.reason).toMatch(/^\w+: score \d+\.\d$/);
    expect(r.reasonMessage.text).toBe(r.reason);
    expect(formatMessage(r.reasonMessage, english, 'en')).toBe(r.reason);
    expect(r.metrics.some((m: { reason: string | null }) => m.reason)).toBe(true);
    for (const m of r.metrics) expect(m.reasonMessage, m.id).toBeNull();
    expect(r.bias.reasonMessages).toBeNull();
  });
});
