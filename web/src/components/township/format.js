// Small helpers of the township reviewer's pages.

/** An ISO instant as local "YYYY-MM-DD HH:mm" (the reviewer's clock), "—" when absent. */
export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** How many of ``items`` were decided within the last ``days`` days (today included). */
export function decidedWithin(items, days, now = new Date()) {
  const since = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return items.filter((c) => c.decided_at && new Date(c.decided_at) >= since).length;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
