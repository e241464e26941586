// Wuyi dashboard: service health, then the jurisdiction tree of the signed-in tenant.
const KINDS = { county: "县/区", township: "乡镇/街道", village: "村", community: "社区",
  compound: "小区", unit: "单位", enterprise: "企业", school: "学校", park: "园区" };

async function api(path) {
  const token = localStorage.getItem("wuyi.token");
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.error.message_zh} / ${body.error.message_en}`);
  return body;
}

async function showServices() {
  const nav = document.getElementById("services");
  const { services } = await (await fetch("/services.json")).json();
  for (const name of services) {
    const span = document.createElement("span");
    span.className = "status";
    span.textContent = name;
    nav.appendChild(span);
    fetch(`/${name}/health`).then(r => { span.classList.add(r.ok ? "ok" : "down"); })
      .catch(() => span.classList.add("down"));
  }
}

async function branch(parentId) {
  const ul = document.createElement("ul");
  const query = parentId ? `parent_id=${encodeURIComponent(parentId)}` : "kind=county";
  const { items } = await api(`/registry/v1/entities?${query}&limit=1000`);
  for (const entity of items) {
    const li = document.createElement("li");
    li.innerHTML = `<strong></strong><span class="kind"></span> <span class="grid"></span>`;
    li.querySelector("strong").textContent = entity.name;
    li.querySelector(".kind").textContent = KINDS[entity.kind] || entity.kind;
    api(`/registry/v1/grids?entity_id=${entity.id}&limit=1`).then(g => {
      if (g.total) li.querySelector(".grid").textContent = `网格 ${g.total} 个 / ${g.total} grids`;
    });
    li.appendChild(await branch(entity.id));
    ul.appendChild(li);
  }
  return ul;
}

async function showTree() {
  const tree = document.getElementById("tree");
  tree.replaceChildren(...(await branch(null)).children);
  document.getElementById("login").hidden = true;
  document.getElementById("tree-section").hidden = false;
}

function rows(tbody, items, cells) {
  tbody.replaceChildren(...items.map(item => {
    const tr = document.createElement("tr");
    for (const text of cells(item)) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    return tr;
  }));
}

async function showLists() {
  const tenant = encodeURIComponent(document.getElementById("tenant").value.trim());
  const error = document.getElementById("lists-error");
  error.textContent = "";
  try {
    const honor = await api(`/scoring/v1/honor-list?tenant=${tenant}`);
    rows(document.getElementById("honor"), honor.holders,
      h => [h.award_title, h.entity_name, h.score, h.awarded_on]);
    const lost = await api(`/scoring/v1/delistings?tenant=${tenant}`);
    rows(document.getElementById("delisted"), lost.delistings,
      d => [d.entity_name, `${d.reason_zh} / ${d.reason}`, d.delisted_on]);
  } catch (e) { error.textContent = e.message; }
}

document.getElementById("tenant-form").addEventListener("submit", (event) => {
  event.preventDefault();
  showLists();
});

document.getElementById("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  localStorage.setItem("wuyi.token", document.getElementById("token").value.trim());
  try { await showTree(); }
  catch (error) { document.getElementById("login-error").textContent = error.message; }
});

showServices();
showLists();
if (localStorage.getItem("wuyi.token")) showTree().catch(() => {});
