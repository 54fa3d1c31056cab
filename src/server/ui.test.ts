// The web UI in a real browser (Debian's Chromium driven by playwright-core) against a real server:
// the run form, the live view, the result chart, compare, the SMP download, and the conformance
// results table with an expanded row. On failure a screenshot is saved to test-output/ (outside git).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { MESHERY_ADAPTER_RESULT, noMeshResult } from './testing/conformance.js';
import { startHarness, tempDir, type Harness } from './testing/harness.js';

const chromiumPath = '/usr/bin/chromium';
const outputDir = fileURLToPath(new URL('../../test-output/', import.meta.url));
const skip = existsSync(chromiumPath)
  ? false
  : `${chromiumPath} is not installed (scripts/install-system-deps.sh)`;

let h: Harness;
let browser: BrowserContext;
let page: Page;
const profile = tempDir();

before(async () => {
  if (skip) return;
  h = await startHarness();
  browser = await chromium.launchPersistentContext(profile.path, {
    executablePath: chromiumPath,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(20_000);
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await h?.close();
  profile.remove();
});

/** step runs one part of the walk-through and saves a screenshot when it fails. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    mkdirSync(outputDir, { recursive: true });
    const file = join(outputDir, `ui-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    throw new Error(`${name} failed (screenshot: ${file}): ${(error as Error).message}`, { cause: error });
  }
}

async function runFromForm(name: string, concurrency: string): Promise<string> {
  await page.goto(`${h.server.url}/`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=mesh]', 'none');
  await page.fill('input[name=url]', h.target.url);
  await page.fill('input[name=concurrency]', concurrency);
  await page.fill('input[name=qps]', '200');
  await page.fill('input[name=duration]', '1s');
  await page.click('summary:has-text("Advanced")');
  await page.fill('input[name=warmup]', '0s');
  await page.click('button:has-text("Run test")');
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const id = /\/runs\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await page.waitForSelector('[data-testid=percentiles]');
  return id;
}

test(
  'run from the form, watch it, read the chart, compare two runs, download the SMP file',
  { skip },
  async () => {
    let first = '';
    let second = '';
    await step('form-shows-errors', async () => {
      await page.goto(`${h.server.url}/`);
      await page.fill('input[name=url]', 'not a url');
      await page.click('button:has-text("Run test")');
      await page.waitForSelector('.alert.error');
      assert.match(
        (await page.textContent('.alert.error')) ?? '',
        /url is "not a url"; expected an absolute http/,
      );
      assert.equal(
        await page.locator('.field.invalid input[name=url]').count(),
        1,
        'the URL field is marked',
      );
    });

    await step('first-run', async () => {
      first = await runFromForm('browser run A', '2');
      assert.equal(await page.textContent('h1'), 'browser run A');
      assert.ok((await page.locator('.chart canvas').count()) >= 1, 'the histogram is drawn');
      const legend = (await page.textContent('.chart .u-legend')) ?? '';
      assert.match(legend, /requests/);
      assert.match(legend, /cumulative %/);
      const rows = await page.locator('[data-testid=percentiles] tbody tr').allTextContents();
      assert.ok(
        rows.some((r) => /^p99\.9/.test(r)),
        rows.join('|'),
      );
      assert.ok(rows.some((r) => /^max/.test(r)));
      assert.match((await page.textContent('.figures')) ?? '', /requested 200/);
      assert.match((await page.textContent('body')) ?? '', /Node\.js\s*v20/);
    });

    await step('second-run', async () => {
      second = await runFromForm('browser run B', '3');
    });

    await step('results-and-compare', async () => {
      await page.goto(`${h.server.url}/results`);
      await page.waitForSelector(`tr[data-run-id="${first}"]`);
      await page.check(`tr[data-run-id="${first}"] input[type=checkbox]`);
      await page.check(`tr[data-run-id="${second}"] input[type=checkbox]`);
      await page.click('button:has-text("Compare 2 selected")');
      await page.waitForURL(/\/compare\?ids=/);
      await page.waitForSelector('.chart canvas');
      assert.match(
        (await page.textContent('[data-testid=compare-warnings]')) ?? '',
        /concurrency differs: 2 vs 3/,
      );
      const legend = (await page.textContent('.chart .u-legend')) ?? '';
      assert.match(legend, /browser run A/);
      assert.match(legend, /browser run B/);
    });

    await step('search', async () => {
      await page.goto(`${h.server.url}/results`);
      await page.fill('input[name=search]', 'run B');
      await page.waitForFunction("document.querySelectorAll('tr[data-run-id]').length === 1");
      assert.equal(await page.locator(`tr[data-run-id="${second}"]`).count(), 1);
    });

    await step('download-smp', async () => {
      await page.goto(`${h.server.url}/runs/${first}`);
      await page.waitForSelector('[data-testid=percentiles]');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('button:has-text("SMP YAML")'),
      ]);
      assert.equal(download.suggestedFilename(), `result_${first}.yaml`);
      const smp = parseYaml(readFileSync((await download.path())!, 'utf8')) as {
        id: string;
        actual_qps: number;
        latencies_ms: { p50: number; p99: number };
        labels: Record<string, string>;
      };
      assert.equal(smp.id, first);
      assert.equal(smp.labels.name, 'browser run A');
      assert.equal(smp.labels.mesh, 'none');
      assert.ok(smp.actual_qps > 0);
      assert.ok(smp.latencies_ms.p50 > 0 && smp.latencies_ms.p99 >= smp.latencies_ms.p50);
    });

    let smiId = '';
    await step('conformance', async () => {
      // A real no-mesh run's result and a Meshery adapter's, uploaded through the API.
      const doc = await noMeshResult(['traffic-access', 'traffic-metrics']);
      smiId = doc.id;
      for (const body of [doc, MESHERY_ADAPTER_RESULT]) {
        const r = await fetch(`${h.server.url}/api/smi/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(r.status, 201);
      }
      await page.goto(`${h.server.url}/`);
      await page.click('header nav a:has-text("Conformance")');
      await page.waitForSelector(`tr[data-smi-id="${doc.id}"]`);
      const head = await page.locator('table.smi thead th').allTextContents();
      assert.deepEqual(head.slice(1), ['ID', 'Date ▼', 'Mesh', 'Version', '% Passed', 'Status']);
      const row = page.locator(`tr[data-smi-id="${doc.id}"]`);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[1], doc.id.slice(0, 8));
      assert.equal(cells[3], 'no mesh');
      assert.match(cells[5]!, new RegExp(`^${doc.totals.passpercent.replace('.', '\\.')} % ${doc.totals.casespassed}/${doc.totals.steps}$`));
      assert.equal(cells[6], 'completed');
      assert.equal(await page.locator('tr.expanded').count(), 0, 'rows start collapsed');

      await row.locator('button.expand').click();
      const details = page.locator(`tr[data-smi-details="${doc.id}"]`);
      await details.waitFor();
      const specHead = await details.locator('[data-testid=smi-specs] thead th').allTextContents();
      assert.deepEqual(specHead, ['Specification', 'Assertions', 'Time', 'Version', 'Capability', 'Result', 'Reason']);
      const access = details.locator('tr[data-spec="traffic-access"] td');
      const a = await access.allTextContents();
      assert.equal(a[0], 'FAILED traffic-access');
      assert.equal(a[1], '14');
      assert.match(a[2]!, /^\d+\.\d{3} s$/);
      assert.equal(a[3], doc.suites[0]!.specVersion);
      assert.equal(a[4], 'NONE');
      assert.match(a[6]!, /^failed in step 3-trafficDefault/);
      // meshplane's own runs also list the steps that did not pass, with their reasons.
      await details.locator('tr[data-spec="traffic-access"] button.steps-toggle').click();
      assert.match((await details.locator('tr[data-steps="traffic-access"]').textContent()) ?? '', /trafficDefault.*failed.*RespFailed has 0 entries/s);

      // The Meshery adapter's result: its per-spec rows, no step list.
      await page.locator(`tr[data-smi-id="${MESHERY_ADAPTER_RESULT.id}"] button.expand`).click();
      const osm = page.locator(`tr[data-smi-details="${MESHERY_ADAPTER_RESULT.id}"]`);
      await osm.waitFor();
      assert.equal(await osm.locator('[data-testid=smi-specs] tbody tr').count(), 3);
      assert.equal(await osm.locator('button.steps-toggle').count(), 0);

      // The CLI's link opens the page with that result expanded.
      await page.goto(`${h.server.url}/conformance?id=${doc.id}`);
      await page.waitForSelector(`tr[data-smi-details="${doc.id}"] [data-testid=smi-specs]`);
    }); // prettier-ignore

    await step('narrow-window', async () => {
      await page.setViewportSize({ width: 400, height: 800 });
      for (const path of ['/', `/runs/${first}`, `/conformance?id=${smiId}`]) {
        await page.goto(`${h.server.url}${path}`);
        await page.waitForSelector(path.startsWith('/conformance') ? '[data-testid=smi-specs]' : 'h1');
        const overflow = (await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 400px`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  },
);
