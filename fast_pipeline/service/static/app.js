// The analysts' page: search, a party's actions as a timeline, and the batch screen of an uploaded file.
"use strict";
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || response.statusText);
  return body;
}

async function search(q) {
  const list = $("results");
  list.replaceChildren(el("li", "Searching…"));
  try {
    const body = await getJSON(`/search?q=${encodeURIComponent(q)}&limit=20`);
    list.replaceChildren();
    if (!body.results.length) list.append(el("li", "No listed party found."));
    for (const r of body.results) {
      const li = el("li");
      const a = el("a", r.caption);
      a.href = `#party/${encodeURIComponent(r.id)}`;
      a.className = "party-link";
      li.append(a, " ", el("span", `${r.schema} · ${r.datasets.join(", ")} · score ${r.score}`, "score"));
      list.append(li);
    }
  } catch (err) {
    list.replaceChildren(el("li", `Error: ${err.message}`));
  }
}

async function showParty(id) {
  $("search-view").hidden = true;
  $("party-view").hidden = false;
  const party = await getJSON(`/entities/${encodeURIComponent(id)}`);
  $("party-name").textContent = party.caption;
  const facts = $("party-facts");
  facts.replaceChildren();
  for (const [key, values] of Object.entries(party.properties)) {
    facts.append(el("dt", key), el("dd", values.join("; ")));
  }
  const timeline = $("timeline");
  timeline.replaceChildren();
  const actions = [...party.actions].sort((a, b) => (a.listed_date || "").localeCompare(b.listed_date || ""));
  for (const action of actions) {
    const li = el("li", null, action.in_force ? "in-force" : "ended");
    li.append(el("div", `${action.listed_date || action.first_seen_edition || "?"} – ${action.ended_date || action.removed_date || (action.in_force ? "in force" : "ended")}`, "when"));
    li.append(el("div", `${action.source_id}: ${action.action_type} (${action.status})`));
    if (action.legal_basis) li.append(el("div", action.legal_basis));
    for (const v of action.history) {
      li.append(el("div", `version ${v.version}: ${v.valid_from_edition} → ${v.valid_to_edition || "now"} (${v.opened_by}${v.closed_by ? ", closed by " + v.closed_by : ""})`, "score"));
    }
    const src = el("a", "source");
    src.href = action.provenance.source_url || "#";
    li.append(src);
    timeline.append(li);
  }
}

function route() {
  const m = location.hash.match(/^#party\/(.+)$/);
  if (m) {
    showParty(decodeURIComponent(m[1])).catch((err) => { $("party-name").textContent = `Error: ${err.message}`; });
  } else {
    $("party-view").hidden = true;
    $("search-view").hidden = false;
  }
}

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  location.hash = "";
  search($("q").value);
});
$("back").addEventListener("click", (event) => { event.preventDefault(); history.back(); });
window.addEventListener("hashchange", route);
getJSON("/-/release").then((r) => { $("release").textContent = `release ${r.version}`; }).catch(() => {});
route();
