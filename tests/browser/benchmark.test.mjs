// The /benchmark page in real headless Chromium: every cell of the scoreboard is the figure of the
// fine-tuned model's card (read here from assets/ independently of the app), a task without a card
// shows as missing (never zero) and the average counts only the figures there are, the "gain" view
// is pretrained minus random init and lives in the address, a card that fails to load becomes a
// missing cell while the page goes on, a bad address gets a notice. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { serve, launch, watchErrors, ARTIFACTS, ROOT, SLOW, modelFile } from './harness.mjs';

// The scoreboard's definition, restated: encoder → (task → card id, JSON pointer, scale).
const TASKS = [
  ['sentiment', '/valid/accuracy', 100, true], ['pos', '/valid/word_accuracy', 100, true], ['qnli', '/valid/accuracy', 100, true],
  ['qa', '/valid/f1', 1, true], ['xqa', '/zero_shot/f1', 1, false], ['xsentiment', '/zero_shot/accuracy', 100, false],
];
const ENCODERS = {
  'bert-zh': ['sentiment-zh', 'pos-zh', 'qnli-zh', 'qa-zh', null, null],
  'bert-en': ['sentiment-en', 'pos-en', 'qnli-en', 'qa-en', null, null],
  mbert: ['mbert-sentiment-zh', null, null, 'mbert-qa-zh', 'mbert-qa-en', 'mbert-sentiment-en'],
  'mbert-small': [null, null, null, null, 'mbert-small-qa-en', 'mbert-small-sentiment-en'],
};
const pointer = (obj, p) => p.split('/').slice(1).reduce((o, k) => (o == null ? undefined : o[k]), obj);
function expected(encoder, start, k) {
  const id = ENCODERS[encoder][k];
  const file = id && modelFile(id, 'card.json');
  if (!file || !existsSync(file)) return null;
  const run = JSON.parse(readFileSync(file, 'utf8')).runs.find((r) => r.init === start);
  const v = run && pointer(run, TASKS[k][1]);
  return typeof v === 'number' ? v * TASKS[k][2] : null;
}

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const cell = (page, enc, start, task) => page.locator(`[data-testid="score-${enc}-${start}-${task}"]`);

test('benchmark page: every cell is its card\'s figure, missing stays missing, gain view, lost card, bad address', { timeout: 3 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=benchmark&lang=en`);
    await page.getByTestId('scoreboard').waitFor({ timeout: SLOW });
    let present = 0;
    for (const enc of Object.keys(ENCODERS)) {
      for (const start of ['pretrained', 'random']) {
        const figures = [];
        for (let k = 0; k < TASKS.length; k++) {
          const want = expected(enc, start, k);
          const c = cell(page, enc, start, TASKS[k][0]);
          if (want === null) {
            assert.equal(await c.getAttribute('data-missing'), 'true', `${enc} ${start} ${TASKS[k][0]} should be missing`);
            assert.equal((await c.textContent()).trim(), '–');
          } else {
            present++;
            const shown = Number(await c.getAttribute('data-value'));
            assert.ok(Math.abs(shown - want) < 1e-3, `${enc} ${start} ${TASKS[k][0]}: page ${shown}, card ${want}`);
            if (TASKS[k][3]) figures.push(want);
          }
        }
        const avg = page.getByTestId(`avg-${enc}-${start}`);
        if (figures.length === 0) {
          assert.equal(await avg.getAttribute('data-value'), null);
        } else {
          const mean = figures.reduce((a, b) => a + b, 0) / figures.length;
          assert.ok(Math.abs(Number(await avg.getAttribute('data-value')) - mean) < 1e-3, `${enc} ${start} average`);
          assert.equal(await avg.getAttribute('data-tasks'), String(figures.length));
        }
      }
    }
    assert.ok(present >= 16, `the shipped cards fill the monolingual rows (${present} figures)`);
    await page.screenshot({ path: join(ARTIFACTS, 'benchmark-en.png'), fullPage: true });
    // The gain view: pretrained minus random init, in the address.
    await page.getByTestId('view-gain').click();
    await page.waitForFunction(() => location.search.includes('view=gain'));
    const qa = expected('bert-en', 'pretrained', 3) - expected('bert-en', 'random', 3);
    assert.equal((await cell(page, 'bert-en', 'pretrained', 'qa').textContent()).trim(), `${qa >= 0 ? '+' : ''}${qa.toFixed(1)}`);
    // Reloaded from the address (as an embedding page would open it), in Chinese.
    await page.goto(`${server.url}?p=benchmark&lang=zh-Hant&view=gain`);
    await page.getByTestId('scoreboard').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('scoreboard').getAttribute('data-view'), 'gain');
    await page.screenshot({ path: join(ARTIFACTS, 'benchmark-zh.png'), fullPage: true });
    // A phone: the table scrolls inside its box, the page does not scroll sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${server.url}?p=benchmark&lang=zh-Hans`);
    await page.getByTestId('scoreboard').waitFor({ timeout: SLOW });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
    await page.screenshot({ path: join(ARTIFACTS, 'benchmark-phone.png'), fullPage: true });
    assert.deepEqual(errors, []);

    // A card that cannot be fetched is a missing cell; the rest of the page goes on.
    const lost = await browser.newPage({ serviceWorkers: 'block' });
    await lost.route('**/qa-zh/**/card.json', (r) => r.fulfill({ status: 404, body: 'gone' }));
    await lost.goto(`${server.url}?p=benchmark&lang=en&view=nonsense`);
    await lost.getByTestId('url-notice').waitFor({ timeout: SLOW });
    await lost.getByTestId('scoreboard').waitFor({ timeout: SLOW });
    assert.equal(await lost.getByTestId('scoreboard').getAttribute('data-view'), 'scores');
    assert.equal(await cell(lost, 'bert-zh', 'pretrained', 'qa').getAttribute('data-missing'), 'true');
    assert.ok(Number(await cell(lost, 'bert-zh', 'pretrained', 'sentiment').getAttribute('data-value')) > 0);
    assert.equal(await lost.getByTestId('avg-bert-zh-pretrained').getAttribute('data-tasks'), '3');
  } finally {
    await browser.close();
  }
});
