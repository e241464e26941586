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

/** The API's message of an error naming ``field``, shown under that field, so without the
 * field's code name in front ("note：不能为空" → "不能为空"); "" for another field's error. */
export function fieldMessage(error, field, message) {
  if (!error || error.field !== field) return "";
  for (const prefix of [`${field}：`, `${field}: `]) {
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  }
  return message;
}
