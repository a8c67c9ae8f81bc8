/**
 * Dev measure of the local provider's conversations (not part of the test suite): writes N conversations per
 * intent, keeps the customer turns as `text,category` rows, trains scikit-learn TF-IDF (word 1-2 + char_wb 2-5)
 * + LogisticRegression on them and scores it on real Banking77 queries (train on synthetic, test on real).
 *
 *   pnpm exec tsx scripts/eval-local-provider.ts [--per-intent 30] [--language en] [--seed 1]
 *     [--first-only] [--real /work/shared/data/banking77/train.csv] [--out rows.csv]
 *
 * Needs /usr/bin/python3 with scikit-learn and pandas (`apt-get install -y python3-sklearn python3-pandas`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INTENTS } from '@genesis/schema/catalog/intents';
import {
  DEFAULT_COMPLEXITIES,
  DEFAULT_RESOLUTIONS,
  DEFAULT_SENTIMENTS,
} from '@genesis/schema/generation';
import { Random } from '@genesis/schema/random';
import type { ConversationSlot } from '@genesis/schema/request';
import { stringify } from 'csv-stringify/sync';
import { writeConversation } from '../src/llm/local/conversations/writer.ts';

const { values: args } = parseArgs({
  options: {
    'per-intent': { type: 'string', default: '30' },
    language: { type: 'string', default: 'en' },
    seed: { type: 'string', default: '1' },
    'first-only': { type: 'boolean', default: false },
    real: { type: 'string', default: '/work/shared/data/banking77/train.csv' },
    out: { type: 'string' },
  },
});

const perIntent = Number(args['per-intent']);
const language = args.language === 'es' ? 'es' : 'en';
const rng = new Random(`eval:${args.seed}`);
const TURNS: Record<string, [number, number]> = {
  simple: [2, 4],
  medium: [4, 6],
  complex: [6, 10],
};

function draw<T extends string>(weights: Readonly<Record<T, number>>): T {
  const keys = Object.keys(weights) as T[];
  return rng.weighted(
    keys,
    keys.map((k) => weights[k]),
  );
}

const rows: [string, string][] = [];
for (const intent of INTENTS) {
  for (let i = 0; i < perIntent; i++) {
    const complexity = draw(DEFAULT_COMPLEXITIES);
    const [lo, hi] = TURNS[complexity]!;
    const slot: ConversationSlot = {
      slot: `${intent.id}-${i}`,
      intent: intent.id,
      category: intent.category,
      language,
      sentiment: draw(DEFAULT_SENTIMENTS),
      complexity,
      turns: rng.int(lo, hi),
      resolution: draw(DEFAULT_RESOLUTIONS),
    };
    const conversation = writeConversation(slot, new Random(`${args.seed}:${slot.slot}`));
    const customer = conversation.turns.filter((turn) => turn.speaker === 'customer');
    for (const turn of args['first-only'] ? customer.slice(0, 1) : customer) {
      rows.push([turn.text, intent.id]);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'eval-local-'));
const csv = join(dir, 'local.csv');
writeFileSync(csv, stringify(rows, { header: true, columns: ['text', 'category'] }));
if (args.out)
  writeFileSync(args.out, stringify(rows, { header: true, columns: ['text', 'category'] }));

const python = `
import sys, pandas as pd
from sklearn.pipeline import make_pipeline, make_union
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
train = pd.read_csv(sys.argv[1]); test = pd.read_csv(sys.argv[2])
features = make_union(
    TfidfVectorizer(analyzer='word', ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
    TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
)
model = make_pipeline(features, LogisticRegression(C=10, max_iter=2000))
model.fit(train.text, train.category)
pred = model.predict(test.text)
print(f"train rows {len(train)}, test rows {len(test)}")
print(f"accuracy on real Banking77: {accuracy_score(test.category, pred):.4f}")
per = pd.DataFrame({'y': test.category, 'ok': pred == test.category}).groupby('y').ok.mean().sort_values()
print('weakest intents:'); print(per.head(12).round(2).to_string())
pairs = pd.DataFrame({'y': test.category, 'p': pred})
pairs = pairs[pairs.y != pairs.p].value_counts().head(15)
print('most frequent confusions (real -> predicted):'); print(pairs.to_string())
`;
const result = spawnSync('/usr/bin/python3', ['-c', python, csv, args.real], {
  stdio: 'inherit',
});
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
