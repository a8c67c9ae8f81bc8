import { expect, type Page, test } from '@playwright/test';
import {
  generateDataset,
  gotoHydrated,
  saveScreenshot,
  trainModel,
  uniqueName,
  validateDataset,
} from '../utils.ts';

// One tour of every page, seeded once; the phone tour reuses what the desktop tour seeded.
test.describe.configure({ mode: 'serial' });

/** A page of the app: its screenshot name, its URL and the main nav entry it belongs to. */
interface AppPage {
  name: string;
  path: string;
  section: string;
}

/** What the pages show: a job, datasets (one validated, one time series) and two runs. */
interface Seeded {
  jobId: string;
  first: string;
  second: string;
  series: string;
  runs: [string, string];
}

function appPages(s: Seeded): AppPage[] {
  return [
    { name: 'home', path: '/', section: 'Home' },
    { name: 'generate', path: '/generate', section: 'Generate' },
    { name: 'generate-job', path: `/generate/${s.jobId}`, section: 'Generate' },
    { name: 'datasets', path: '/datasets', section: 'Datasets' },
    { name: 'datasets-cards', path: '/datasets?view=cards', section: 'Datasets' },
    { name: 'dataset-conversations', path: `/datasets/${s.first}`, section: 'Datasets' },
    { name: 'dataset-series', path: `/datasets/${s.series}`, section: 'Datasets' },
    { name: 'validate', path: `/validate?dataset=${s.first}&version=1`, section: 'Validate' },
    { name: 'compare', path: `/compare?a=${s.first}&b=${s.second}`, section: 'Compare' },
    { name: 'train', path: '/train', section: 'Train' },
    { name: 'train-run', path: `/train/${s.runs[0]}`, section: 'Train' },
    {
      name: 'train-compare',
      path: `/train/compare?ids=${s.runs[0]}&ids=${s.runs[1]}`,
      section: 'Train',
    },
    { name: 'help', path: '/help', section: 'Help' },
  ];
}

/** The main navigation's entries, in order. */
const SECTIONS: [string, RegExp][] = [
  ['Generate', /\/generate$/],
  ['Datasets', /\/datasets$/],
  ['Validate', /\/validate$/],
  ['Compare', /\/compare$/],
  ['Train', /\/train$/],
  ['Help', /\/help$/],
  ['Home', /\/$/],
];

/**
 * How far the page reaches past the viewport sideways, and the elements that stick out (those not
 * inside a scrolling or clipping box, which contain their overflow), to say what to fix.
 */
async function horizontalOverflow(page: Page) {
  return page.evaluate(() => {
    // Not `innerWidth`: with mobile emulation Chromium zooms out to fit a too-wide page, and
    // `innerWidth` grows with it; the layout viewport (`clientWidth`) stays the screen's width.
    const width = document.documentElement.clientWidth;
    const contained = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const offenders = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1 && !contained(el);
      })
      .slice(0, 6)
      .map((el) => {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className}` : '';
        const right = Math.round(el.getBoundingClientRect().right);
        return `${el.tagName.toLowerCase()}${id}${cls} (right edge ${right}px)`;
      });
    return { scrollWidth: document.documentElement.scrollWidth, width, offenders };
  });
}

test.describe('every page', () => {
  let pages: AppPage[] = [];

  test.beforeAll(async ({ request }) => {
    test.setTimeout(180_000);
    const first = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 30,
      name: uniqueName('E2E tour'),
    });
    const second = await generateDataset(request, {
      kind: 'CONVERSATIONS',
      count: 20,
      name: uniqueName('E2E tour b'),
    });
    const series = await generateDataset(request, {
      kind: 'TIMESERIES',
      count: 3,
      length: 48,
      name: uniqueName('E2E tour series'),
    });
    await validateDataset(request, first.id, 'banking77');
    const runs: [string, string] = [
      await trainModel(request, first.id, 'QUICK_TEST'),
      await trainModel(request, second.id, 'QUICK_TEST'),
    ];
    pages = appPages({
      jobId: first.jobId,
      first: first.id,
      second: second.id,
      series: series.id,
      runs,
    });
  });

  test('each page renders under its nav entry, and its screenshot is kept', async ({ page }) => {
    test.setTimeout(120_000);
    for (const { name, path, section } of pages) {
      await gotoHydrated(page, path);
      await expect(page.getByRole('heading', { level: 1 }), name).toBeVisible();
      await expect(
        page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: section, exact: true }),
        name,
      ).toHaveAttribute('aria-current', 'page');
      await saveScreenshot(page, `page-${name}`);
    }
  });

  test.describe('on a phone', () => {
    test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

    test('no page scrolls sideways', async ({ page }) => {
      test.setTimeout(120_000);
      for (const { name, path } of pages) {
        await gotoHydrated(page, path);
        await expect(page.getByRole('heading', { level: 1 }), name).toBeVisible();
        const { scrollWidth, width, offenders } = await horizontalOverflow(page);
        expect
          .soft(scrollWidth, `${path} is wider than the screen: ${offenders.join(', ')}`)
          .toBeLessThanOrEqual(width);
        await saveScreenshot(page, `phone-${name}`);
      }
    });

    test('the main navigation reaches every section', async ({ page }) => {
      await gotoHydrated(page, '/');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(page.getByRole('button', { name: 'Dark theme' })).toBeInViewport();
      const menu = nav.getByRole('button', { name: 'Menu' });
      for (const [label, url] of SECTIONS) {
        // The sections sit behind the menu button at phone width; it opens them all at once.
        await expect(menu).toHaveAttribute('aria-expanded', 'false');
        await menu.tap();
        await expect(menu).toHaveAttribute('aria-expanded', 'true');
        const link = nav.getByRole('link', { name: label, exact: true });
        await expect(link).toBeInViewport();
        // Big enough to tap (WCAG 2.2 target size: at least 24 × 24 CSS pixels).
        const box = await link.boundingBox();
        expect(box?.height, `${label} link height`).toBeGreaterThanOrEqual(24);
        expect(box?.width, `${label} link width`).toBeGreaterThanOrEqual(24);
        await link.tap();
        await expect(page).toHaveURL(url);
        // Moving on closes the menu; open it to see the current section marked, then close it.
        await expect(menu).toHaveAttribute('aria-expanded', 'false');
        await menu.tap();
        await expect(link).toHaveAttribute('aria-current', 'page');
        await menu.tap();
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        const { scrollWidth, width } = await horizontalOverflow(page);
        expect(scrollWidth, `${label} page width`).toBeLessThanOrEqual(width);
      }
    });

    test('the menu shows every section at once, and Escape closes it', async ({ page }) => {
      await gotoHydrated(page, '/datasets');
      const nav = page.getByRole('navigation', { name: 'Main' });
      const menu = nav.getByRole('button', { name: 'Menu' });
      await expect(nav.getByRole('link', { name: 'Train', exact: true })).toBeHidden();
      await menu.tap();
      for (const [label] of SECTIONS) {
        await expect(nav.getByRole('link', { name: label, exact: true })).toBeInViewport();
      }
      await saveScreenshot(page, 'phone-menu-open');
      await page.keyboard.press('Escape');
      await expect(menu).toHaveAttribute('aria-expanded', 'false');
      await expect(menu).toBeFocused();
      await expect(nav.getByRole('link', { name: 'Train', exact: true })).toBeHidden();
      const { scrollWidth, width } = await horizontalOverflow(page);
      expect(scrollWidth).toBeLessThanOrEqual(width);
    });
  });
});
