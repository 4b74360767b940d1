// Accessibility and small-screen checks shared by the a11y test and the audit command: every
// page with what its model shows once it has run, axe-core (WCAG 2.2 A/AA rules) and the layout
// viewport's width against the device's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Every page with what shows that its model has run (a CSS selector), on the CPU path. */
export const PAGES = [
  { slug: 'home', ready: '[data-testid=page-home]' },
  { slug: 'masking', ready: '[data-testid=prediction-card]' },
  { slug: 'pair', ready: '[data-testid=pair-result]' },
  { slug: 'contextual', ready: '[data-testid=matrix-contextual]' },
  { slug: 'qa', ready: '[data-testid=qa-answer]' },
  { slug: 'classify', ready: '[data-testid=cls-result]' },
  { slug: 'tagging', ready: '[data-testid=tag-result]' },
  { slug: 'qnli', ready: '[data-testid=cls-result]' },
  { slug: 'gpt', ready: '[data-testid=gpt-candidate]', query: '&m=gpt-zh' },
  { slug: 'icl', ready: '[data-testid=icl-prompt]' },
  { slug: 'ae', ready: '[data-testid=ae-output][data-code]' },
  { slug: 'ae-denoise', ready: '[data-testid=denoise-output][data-restored-mse]' },
  { slug: 'ae-latent', ready: '[data-testid=latent-map][data-points="1000"]' },
  { slug: 'ae-downstream', ready: '[data-testid=ds-table][data-done="6"]' },
  { slug: 'ae-codes', ready: '[data-testid=code-usage][data-used]' },
  { slug: 'ae-anomaly', ready: '[data-testid=anomaly-results][data-auc]' },
  { slug: 'ae-train', ready: '[data-testid=train-start]:not([disabled])' },
  { slug: 'vision', ready: '[data-testid=vision-map][data-points="1000"]' },
  { slug: 'multilingual', ready: '[data-testid=vec-share]' },
  { slug: 'benchmark', ready: '[data-testid=scoreboard]' },
  { slug: 'diagnostics', ready: '[data-testid=bench]' },
  { slug: 'offline', ready: '[data-testid=model-table]' },
];

/** A desktop and a phone (iPhone 12–15 class: 390 × 844 CSS px). */
export const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 900 },
  { label: 'phone', width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];

/** Runs axe-core on the page (its context needs `bypassCSP: true`: the app's CSP refuses inline scripts); returns its violations (id, impact, node count, first targets). */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ')), summary: v.nodes[0]?.failureSummary?.split('\n').slice(0, 3).join(' ') }));
  });
  return result;
}

/** Counts of violations by impact. */
export function counts(violations) {
  const c = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) c[v.impact] = (c[v.impact] ?? 0) + v.nodes;
  return c;
}

/** The layout viewport's width against the window's (a wider document scrolls sideways). */
export async function overflow(page) {
  return page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
}
