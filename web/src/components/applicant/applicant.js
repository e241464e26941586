// The applicant's page: which statuses it acts in, the batches it may apply in, and the note
// to show on an application.

/** Statuses in which the applicant assesses itself (again) and submits. */
export const ASSESSABLE = new Set(["draft", "self_assessed", "sent_back"]);
/** Statuses after which the applicant records its rectification (整改). */
export const RECTIFIABLE = new Set(["rejected", "delisted"]);
/** Statuses that end an application: a new one may be opened in a later batch. */
const ENDED = new Set(["rejected", "delisted", "rectified"]);

/** The local date, as the batches' ``opens_on`` / ``closes_on`` are written. */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The batches open today of campaigns whose entity kinds include ``entity``'s, where the
 * entity has no application under way in that campaign; the service decides the rest
 * (eligibility, a title held) and its message is shown. */
export function openBatches(campaigns, entity, applications, day = today()) {
  const busy = new Set(applications.filter((a) => !ENDED.has(a.status)).map((a) => a.campaign_id));
  const appliedIn = new Set(applications.map((a) => a.batch_id));
  return campaigns
    .filter((c) => (c.entity_kinds || []).includes(entity.kind) && !busy.has(c.id))
    .flatMap((c) => (c.batches || [])
      .filter((b) => b.opens_on <= day && day <= b.closes_on && !appliedIn.has(b.id))
      .map((b) => ({ campaign_id: c.id, campaign_title: c.title, batch_id: b.id, batch_name: b.name,
        opens_on: b.opens_on, closes_on: b.closes_on })));
}

/** The latest send-back or rejection note of an application view, or "". */
export function latestNote(view) {
  if (view.status === "rejected") return view.rejection?.note || "";
  const last = view.send_backs?.[view.send_backs.length - 1];
  return last?.note || "";
}

/** The rubric (id and version) a campaign scores by. */
export function rubricOf(rubrics, campaign) {
  return rubrics.find((r) => r.id === campaign.rubric_id && r.version === campaign.rubric_version)
    || rubrics.find((r) => r.id === campaign.rubric_id);
}
