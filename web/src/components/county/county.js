// Shared by the county's pages: field errors of the API, evidence uploads, campaigns, and who
// acts at an application's current stage of its campaign's review chain.
import { computed, ref } from "vue";
import { api, ApiError } from "../../api.js";
import { apiMessage } from "../../i18n.js";

/** The API's message when it names ``name`` (or a field inside it, as ``phases.0.deadline``);
 * shown under that field, so without the field's code name in front ("note：不能为空"). */
export function fieldError(error, name) {
  if (!error || !error.field) return "";
  if (error.field !== name && !error.field.startsWith(`${name}.`)) return "";
  const message = apiMessage(error);
  for (const prefix of [`${error.field}：`, `${error.field}: `, `${error.field} `]) {
    if (message.startsWith(prefix)) return message.slice(prefix.length);
  }
  return message;
}

/** The message of an error that names no field shown on the page. */
export function generalError(error, shown) {
  if (!error) return "";
  if (error.field && shown.some((name) => fieldError(error, name))) return "";
  return apiMessage(error);
}

/** Store one attachment with the scoring service; returns {id, ref, name, size, ...}. */
export async function uploadEvidence(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch("/scoring/v1/evidence", { method: "POST", credentials: "same-origin", body: form });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The evidence a form attaches: the files chosen in a file input (``attach`` is its change
 * handler) are stored one by one; an upload's error goes to ``error``, shown under the field. */
export function useEvidenceUpload(error) {
  const evidence = ref([]);
  const uploading = ref(false);
  async function attach(event) {
    error.value = null;
    uploading.value = true;
    try {
      for (const file of event.target.files) evidence.value.push(await uploadEvidence(file));
    } catch (e) { error.value = e; }
    uploading.value = false;
    event.target.value = "";
  }
  return { evidence, uploading, attach };
}

/** The stored file's id in an evidence reference ``evidence:<id>:<sha256>``, else null. */
export function evidenceId(ref) {
  const match = /^evidence:([0-9a-f-]{36}):[0-9a-f]{64}$/.exec(ref);
  return match ? match[1] : null;
}

export async function loadCampaigns() {
  return (await api("/scoring/v1/campaigns")).campaigns;
}

/** The stage of ``campaign``'s chain an application in ``status`` stands at (as the server
 * folds it: a status names the act last passed). */
export function currentStage(campaign, status) {
  const stages = campaign?.review_chain?.stages || [];
  const after = (act) => stages[stages.findIndex((s) => s.act === act) + 1];
  if (status === "submitted") return stages[0];
  if (status === "township_approved") return after("review");
  if (status === "recommended") return after("recommend");
  if (status === "county_evaluated") return stages.find((s) => s.accepts);
  return undefined;
}

/** Whether the county's evaluators act on it now: a county stage, or a township's own
 * application (nobody reviews their own; it goes a level up). */
export function countyActs(campaign, app) {
  const stage = currentStage(campaign, app.status);
  if (!stage) return false;
  return stage.level === "county" || (app.entity_kind === "township" && stage.level === "township");
}

/** The live total of ``scores`` by ``rubric``, as the service computes it, and the veto
 * items that do not hold. */
export function liveTotal(rubric, scores) {
  const items = rubric.sections.flatMap((s) => s.items);
  const holds = (item) => item.max_points !== null || Boolean(scores[item.id]);
  const vetoes = items.filter((i) => i.veto && !holds(i)).map((i) => i.name);
  if (rubric.kind === "checklist") {
    const held = items.filter(holds).length;
    return { total: Math.round((10000 * held) / items.length) / 100, vetoes };
  }
  const sum = items.filter((i) => i.max_points !== null).reduce((acc, i) => acc + Number(scores[i.id] || 0), 0);
  return { total: Math.round(sum * 100) / 100, vetoes };
}

export const PAGE_SIZE = 20;

/** One page of ``rows`` (a ref of an array) at a time, for tables that may grow long. */
export function paged(rows) {
  const page = ref(1);
  const shown = computed(() => {
    const last = Math.max(1, Math.ceil(rows.value.length / PAGE_SIZE));
    const at = Math.min(page.value, last);
    return rows.value.slice((at - 1) * PAGE_SIZE, at * PAGE_SIZE);
  });
  return { page, shown };
}
