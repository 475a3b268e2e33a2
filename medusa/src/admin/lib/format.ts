/** Display of the SQL figures in the admin's locale; null means "not known yet", never 0. */

export const formatCount = (n: number) => new Intl.NumberFormat().format(n)

export const formatMoney = (value: number, currency: string) =>
  new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(value)

export const formatRate = (rate: number) =>
  new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 2 }).format(rate)

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : "—"

/** A calendar day ("2026-11-01", the database's TimeZone) shown as that day, wherever the browser is. */
export const formatDay = (day: string) =>
  new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`))
