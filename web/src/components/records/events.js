// The short name of an event type (cn.wuyi.<service>.<aggregate>.<name>.v1) and its service.
export function eventName(type) {
  const parts = (type || "").split(".");
  return parts.length > 4 ? parts[4] : type;
}

export function dayBefore(isoDate) {
  // closes_on is exclusive: objections are taken until the day before
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
