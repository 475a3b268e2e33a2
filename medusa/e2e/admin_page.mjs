// The Cart recovery admin page in Debian's headless Chromium (playwright-core, no downloaded
// browser): logs in at Medusa's admin login page, reads every figure the page shows and checks
// it against the extension read with psql at the same moment, then clicks Dry run, Next and
// Run now. Writes {check: {have, want}} as JSON to the file named by CHECKS_FILE (run.sh turns
// each into a TAP line) and the full page's screenshot to SCREENSHOT. The admin's password comes
// from the environment, never from the command line; nothing is printed but errors.
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium } from "playwright-core"

const { MEDUSA_URL, ADMIN_EMAIL, ADMIN_PASSWORD, CHECKS_FILE, SCREENSHOT } = process.env
const LOCALE = "en-US"
const TIMEOUT = 180_000 // the first page load makes Vite prepare the admin's modules

const checks = {}
const check = (name, have, want) => (checks[name] = { have: String(have), want: String(want) })
const sql = (query) => execFileSync("psql", ["-X", "-qtA", "-v", "ON_ERROR_STOP=1", "-c", query], { encoding: "utf8" }).trim()
const sqlJson = (query) => JSON.parse(sql(query))

// What the page should show for a figure: the same formatting in the same locale.
const count = (n) => new Intl.NumberFormat(LOCALE).format(n)
const money = (v, c) => new Intl.NumberFormat(LOCALE, { style: "currency", currency: c.toUpperCase() }).format(v)
const rate = (r) => new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 2 }).format(r)
const sum = (stages) => stages.first + stages.second

// The admin scrolls inside its own layout, not the document: a viewport as tall as the page's
// content makes the full-page screenshot hold all of it (from the top: a click scrolled the
// layout to the button); then the viewport is put back.
async function screenshot(page) {
  await page.evaluate(() => document.querySelectorAll("*").forEach((el) => { if (el.scrollTop > 0) el.scrollTop = 0 }))
  const height = await page.getByTestId("cart-recovery").evaluate((el) => el.getBoundingClientRect().bottom)
  await page.setViewportSize({ width: 1440, height: Math.ceil(height) + 24 })
  await page.waitForTimeout(300)
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  await page.setViewportSize({ width: 1440, height: 900 })
}

const profile = mkdtempSync(join(tmpdir(), "cart-abandon-chromium-"))
// A fresh profile (the user data dir) each time: no cookie or cache of a run before.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
  locale: LOCALE,
  viewport: { width: 1440, height: 900 },
})
try {
  const page = await browser.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const text = async (testId) => (await page.getByTestId(testId).first().innerText()).trim()

  // ---- logs in as a shop's admin does ----
  await page.goto(`${MEDUSA_URL}/app/login`, { timeout: TIMEOUT })
  await page.locator('input[name="email"]').fill(ADMIN_EMAIL)
  await page.locator('input[name="password"]').fill(ADMIN_PASSWORD)
  await page.locator('button[type="submit"]').click()
  await page.waitForURL((url) => !url.pathname.endsWith("/login"))
  await page.goto(`${MEDUSA_URL}/app/cart-recovery`)
  await page.getByTestId("runs-table").waitFor()
  await page.getByTestId("daily-chart").waitFor()
  check("menu", await page.getByRole("link", { name: "Cart recovery" }).count() > 0, true)

  // ---- the figures against cart_abandon_stats(), read right after the page's ----
  const shown = {}
  for (const id of ["abandoned-carts", "reminded-carts", "delivered", "read", "recovered-carts", "recovery-rate"]) shown[id] = await text(id)
  const values = page.locator('[data-testid^="recovered-value-"]')
  const shownValue = []
  for (let i = 0; i < (await values.count()); i++) {
    const v = values.nth(i)
    shownValue.push(`${(await v.getAttribute("data-testid")).replace("recovered-value-", "")}=${(await v.innerText()).trim()}`)
  }
  const stats = sqlJson("SELECT cart_abandon_stats()")
  check("abandoned", shown["abandoned-carts"], stats.abandoned_carts === null ? "not counted yet" : count(stats.abandoned_carts))
  check("reminded", shown["reminded-carts"], count(stats.reminded_carts))
  check("delivered", shown.delivered, count(sum(stats.delivered)))
  check("read", shown.read, count(sum(stats.read)))
  check("recovered", shown["recovered-carts"], count(stats.recovered_carts))
  check("value", shownValue.join(" "), Object.keys(stats.recovered_value).sort().map((c) => `${c}=${money(stats.recovered_value[c], c)}`).join(" "))
  check("rate", shown["recovery-rate"], rate(stats.recovery_rate))
  check("nontrivial", [stats.delivered, stats.read].map(sum).concat(stats.recovered_carts).every((n) => n > 0), true)

  // ---- the chart's 30 days against cart_abandon_daily(30) ----
  const bars = await page.locator("[data-testid=daily-chart] g[data-day]").evaluateAll((gs) =>
    gs.map((g) => `${g.dataset.day}:${g.dataset.reminders}:${g.dataset.recoveries}`))
  const rows = await page.locator("[data-testid=daily-table] tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()).join(",")))
  const daily = sqlJson(`SELECT coalesce(json_agg(d ORDER BY d.day), '[]') FROM cart_abandon_daily(30) d`)
  check("chart", bars.join(" "), daily.map((d) => `${d.day}:${d.first_sent + d.second_sent}:${d.recovered_carts}`).join(" "))
  check("table", rows.join(" "), daily.map((d) => [d.day, d.first_sent + d.second_sent, d.delivered, d.read, d.failed, d.recovered_carts].join(",")).join(" "))

  // ---- Dry run: the rows cart_abandon_process gives, then Next to the end of the scan ----
  const want = sqlJson(`SELECT coalesce(json_agg(cart_id || ':' || stage || ':' || action || ':' || coalesce(detail, '')), '[]')
                          FROM cart_abandon_process(50, NULL, '{"dryRun": true}')`).sort().join(" | ")
  await page.getByTestId("dry-run").click()
  await page.getByTestId(want === "" ? "dry-run-done" : "dry-run-table").waitFor()
  const cells = async () => (await page.locator("[data-testid=dry-run-table] tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()).join(":")))).sort().join(" | ")
  check("dry_run", await cells(), want)
  check("dry_run_rows", want !== "", true)
  await screenshot(page)  // with the dry run's rows on it, for the README
  if (want !== "") {
    await page.getByTestId("dry-run-next").click()
    await page.getByTestId("dry-run-done").waitFor()
  }
  check("dry_run_next", await page.getByTestId("dry-run-done").count(), 1)

  // ---- Run now: a confirmed run adds a row to cart_abandon.runs, which the page then shows ----
  const before = Number(sql("SELECT coalesce(max(id), 0) FROM cart_abandon.runs"))
  await page.getByTestId("run-now").click()
  await page.getByRole("alertdialog").getByRole("button", { name: "Run now" }).click()
  await page.getByText(/^Run #\d+: /).first().waitFor()
  const after = Number(sql("SELECT coalesce(max(id), 0) FROM cart_abandon.runs"))
  await page.locator(`[data-testid=runs-table] tr[data-run-id="${after}"]`).waitFor({ timeout: 30_000 }).catch(() => {})
  const firstRow = await page.locator("[data-testid=runs-table] tbody tr").first().getAttribute("data-run-id")
  check("run_now", `${after - before}:${firstRow}`, `1:${after}`)

  // ---- skip reasons and the schedule against cart_abandon_stats() ----
  const now = sqlJson("SELECT cart_abandon_stats()")
  const reasonRows = await page.locator("[data-testid=skip-reasons] tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()).join(":")))
  const wantReasons = [["skipped", now.skipped], ["held", now.held]].flatMap(([kind, counts]) =>
    Object.entries(counts).map(([reason, n]) => `${reason}:${kind}:${count(n)}`))
  check("reasons", reasonRows.sort().join(" "), wantReasons.sort().join(" "))
  const job = now.schedule.scheduled === null ? "Unknown from here" : now.schedule.scheduled ? "Scheduled" : "Not scheduled"
  check("schedule", (await text("schedule-job")).replace(", inactive", ""), job)

  // ---- a paused channel: Meta's code and message and since when, as the stats give them. The
  // pause itself is the extension's (test/sql/500_faults.sql, 220_meta_errors.sql); here its row is
  // written as a 190 leaves it, then put back. ----
  const saved = sql("SELECT to_jsonb(c) FROM cart_abandon.channel_status c WHERE channel = 'whatsapp'")
  sql(`INSERT INTO cart_abandon.channel_status (channel, paused, error_code, error_message, changed_at)
       VALUES ('whatsapp', true, 190, '(#190) Access token has expired', now())
       ON CONFLICT (channel) DO UPDATE SET paused = true, error_code = 190,
           error_message = '(#190) Access token has expired', changed_at = now()`)
  try {
    await page.reload()
    await page.getByTestId("channel-why").waitFor()
    const channel = sqlJson("SELECT cart_abandon_stats() -> 'channels' -> 'whatsapp'")
    const since = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" }).format(new Date(channel.since))
    check("paused", `${await text("channel-state")}|${await text("channel-why")}|${await text("channel-since")}`,
          `Paused|${channel.error_code} ${channel.error_message}|${since}`)
  } finally {
    sql(saved === ""
      ? "DELETE FROM cart_abandon.channel_status WHERE channel = 'whatsapp'"
      : `UPDATE cart_abandon.channel_status c SET (paused, error_code, error_message, changed_at) =
           (SELECT r.paused, r.error_code, r.error_message, r.changed_at
              FROM jsonb_populate_record(NULL::cart_abandon.channel_status, '${saved.replaceAll("'", "''")}'::jsonb) r)
          WHERE c.channel = 'whatsapp'`)
  }

} catch (error) {
  console.error(`admin page: ${error.message.split("\n")[0]}`)
} finally {
  writeFileSync(CHECKS_FILE, JSON.stringify(checks))
  await browser.close()
  rmSync(profile, { recursive: true, force: true })
}
