// safetyatlas paper explorer: filters, sorting, shareable URL state, BibTeX of the selection.
// Data: the JSON index written at build time (see src/safetyatlas/outputs.py). No dependencies.
(function () {
  "use strict";
  const root = document.getElementById("sa-explorer");
  if (!root) return;
  const PAGE = 50;  // rows per render; 'Show more' adds more. Keeps a keystroke cheap at 20,000 papers
  const FIELDS = ["q", "family", "threat", "side", "category", "subcategory", "venue", "from", "to", "sort"];
  let data, papers, shown = PAGE;
  const picked = new Set();  // papers the user ticked; their BibTeX can be copied or downloaded
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) (k === "text" ? (e.textContent = v) : e.setAttribute(k, v));
    for (const k of kids) e.append(k);
    return e;
  };
  const option = (value, label) => el("option", { value, text: label });
  // what the user types, folded like the search keys: lower case, accents dropped ("Tramèr" finds "tramer")
  const fold = text => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  // The index comes as a script (explorer-data.js), which a browser loads from a server and from
  // disk alike; fetch() of the JSON twin is blocked for file:// pages.
  new Promise((resolve, reject) => {
    if (window.SAFETYATLAS_EXPLORER) return resolve(window.SAFETYATLAS_EXPLORER);
    const s = document.createElement("script");
    s.src = root.dataset.script;
    s.onload = () => (window.SAFETYATLAS_EXPLORER ? resolve(window.SAFETYATLAS_EXPLORER) : reject(new Error("empty index")));
    s.onerror = () => reject(new Error("cannot load " + s.src));
    document.head.append(s);
  }).then(init).catch(err => {
    root.textContent = "Could not load the paper index: " + err;
  });

  function init(json) {
    data = json;
    indexUrl = new URL(root.dataset.index, location.href);
    // descendants of each family, so a parent family selects its sub-families too
    data.below = Object.fromEntries(Object.entries(data.within).map(([id, list]) => [id, new Set(list)]));  // computed in Python (kb.within)
    data.categoryIndex = Object.fromEntries(data.categories.map((c, i) => [c[0] + "." + c[1], i]));
    data.subcategoryIndex = Object.fromEntries(data.subcategories.map((c, i) => [c[0] + "." + c[1], i]));
    papers = data.papers.map(p => ({
      id: p[0], title: p[1], authors: p[2], year: p[3], venue: p[4], cls: p[5], short: p[6],
      text: p[7],  // every author, short name and title, lower case and accent-free (computed in Python)
    }));
    build();
    readHash();
    update();
    window.addEventListener("hashchange", () => { readHash(); update(); });
  }

  let controls = {};
  function build() {
    const years = papers.map(p => p.year);
    const lo = Math.min(...years), hi = Math.max(...years);
    const sel = (name, label, items) => {
      const s = el("select", { name, "aria-label": label }, option("", "any"));
      items.forEach(([v, l]) => s.append(option(v, l)));
      controls[name] = s;
      return el("label", {}, label, s);
    };
    const input = (name, label, attrs) => {
      const i = el("input", Object.assign({ name, "aria-label": label }, attrs));
      controls[name] = i;
      return el("label", {}, label, i);
    };
    const filters = el("div", { class: "sa-filters" },
      input("q", "Search title, authors", { type: "search", placeholder: "e.g. jailbreak" }),
      sel("family", "Model family", data.families.map(([id, name, parent]) => [id, parent ? "– " + name : name])),
      sel("threat", "Threat", data.threats),
      sel("side", "Side", [["attack", "Attack"], ["defense", "Defense"]]),
      sel("category", "Category", []),
      sel("subcategory", "Subcategory", []),
      sel("venue", "Venue", data.venues.slice().sort((a, b) => a[1].localeCompare(b[1]))),
      input("from", "Year from", { type: "number", min: lo, max: hi, placeholder: lo }),
      input("to", "Year to", { type: "number", min: lo, max: hi, placeholder: hi }),
      sel("sort", "Sort by", [["title", "Title"], ["year-asc", "Oldest first"], ["venue", "Venue"]]));
    controls.sort.options[0].textContent = "Newest first";
    const count = el("span", { class: "sa-count", "aria-live": "polite" });
    const reset = el("button", { type: "button", text: "Reset filters" });
    const bib = el("button", { type: "button", text: "Download BibTeX of this selection" });
    const pickAll = el("button", { type: "button", text: "Tick all shown" });
    const copyPicked = el("button", { type: "button", class: "sa-picked", text: "Copy BibTeX of ticked (0)", disabled: "" });
    const savePicked = el("button", { type: "button", class: "sa-picked", text: "Download ticked", disabled: "" });
    // sortable headings hold a button (reachable and pressed with the keyboard); aria-sort says the order
    const sortable = (key, text) => el("th", { "data-sort": key, scope: "col", "aria-sort": "none" }, el("button", { type: "button", class: "sa-sort", text }));
    const table = el("table", {}, el("thead", {}, el("tr", {},
      sortable("title", "Title"), el("th", { scope: "col", text: "Authors" }),
      sortable("year-asc", "Year"), sortable("venue", "Venue"),
      el("th", { scope: "col", text: "Classification" }))), el("tbody"));
    const more = el("button", { type: "button", text: "Show more" });
    // on a phone the filters fold behind one button (CSS shows them when the root has sa-open)
    const toggle = el("button", { type: "button", class: "sa-toggle", "aria-expanded": "false", text: "Filters" });
    toggle.addEventListener("click", () => {
      const open = root.classList.toggle("sa-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
    root.replaceChildren(toggle, filters, el("div", { class: "sa-bar" }, count, reset, bib),
      el("div", { class: "sa-bar" }, pickAll, copyPicked, savePicked), table, more);
    Object.assign(controls, { count, table, more, copyPicked, savePicked });
    pickAll.addEventListener("click", () => {
      controls.table.querySelectorAll("tbody input[type=checkbox]").forEach(box => { box.checked = true; picked.add(box.dataset.id); });
      updatePicked();
    });
    table.addEventListener("change", e => {
      const box = e.target;
      if (!box.matches || !box.matches("input[type=checkbox]")) return;
      box.checked ? picked.add(box.dataset.id) : picked.delete(box.dataset.id);
      updatePicked();
    });
    copyPicked.addEventListener("click", async () => {
      const text = await bibOf([...picked]);
      try { await navigator.clipboard.writeText(text); }
      catch (err) {  // no clipboard API (a page opened from disk): select a text area and copy
        const area = el("textarea", {}); area.value = text; document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
      }
      copyPicked.textContent = "Copied " + picked.size + " entries";
    });
    savePicked.addEventListener("click", async () => save(await bibOf([...picked]), "safetyatlas-ticked.bib"));
    const TAXONOMY = new Set(["family", "threat", "side", "category"]);
    for (const name of FIELDS) {
      controls[name].addEventListener(name === "q" || name === "from" || name === "to" ? "input" : "change", () => {
        if (TAXONOMY.has(name)) refreshTaxonomy();  // dependent selects change only with their parents
        shown = PAGE; writeHash(); update();
      });
    }
    reset.addEventListener("click", () => { FIELDS.forEach(f => (controls[f].value = "")); refreshTaxonomy(); shown = PAGE; writeHash(); update(); });
    more.addEventListener("click", () => { shown += PAGE; render(); });
    bib.addEventListener("click", downloadBib);
    table.querySelectorAll("th[data-sort] button").forEach(b => b.addEventListener("click", () => {
      const key = b.parentElement.dataset.sort;
      controls.sort.value = controls.sort.value === key ? "" : key; writeHash(); update();
    }));
  }

  function state() {
    const s = {};
    for (const f of FIELDS) { const v = controls[f].value.trim(); if (v) s[f] = v; }
    return s;
  }
  function writeHash() {
    const q = new URLSearchParams(state()).toString();
    history.replaceState(null, "", q ? "#" + q : location.pathname + location.search);
  }
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    // options of dependent selects exist only once their parents are set: fill in order
    for (const f of FIELDS) {
      if (f === "category" || f === "subcategory") refreshTaxonomy();
      controls[f].value = params.get(f) || "";
    }
    refreshTaxonomy();
  }

  function refreshTaxonomy() {
    const fam = controls.family.value, thr = controls.threat.value, side = controls.side.value;
    const famSet = fam ? data.below[fam] : null;
    const scopeOk = scope => {
      const [f, t, s] = scope.split(".");
      const fi = data.families.findIndex(x => x[0] === f);
      return (!famSet || famSet.has(fi)) && (!thr || t === thr) && (!side || s === side);
    };
    // option values are node ids (llm.jailbreak.attack.black-box), so shared URLs stay readable
    fill(controls.category, data.categories.filter(c => scopeOk(c[0])).map(c => [c[0] + "." + c[1], c[2] + " (" + c[0] + ")"]));
    const catNode = controls.category.value || null;
    fill(controls.subcategory, data.subcategories.filter(s => (catNode ? s[0] === catNode : scopeOk(s[0].split(".").slice(0, 3).join("."))))
      .map(s => [s[0] + "." + s[1], s[2]]));
  }
  function fill(select, items) {
    const keep = select.value;
    select.replaceChildren(option("", "any"), ...items.map(([v, l]) => option(v, l)));
    select.value = items.some(([v]) => v === keep) ? keep : "";
  }

  // Typing on (the text grows at its end, nothing else changed) can only narrow the match:
  // every paper matching the longer text matched the shorter one, so only those are scanned.
  let last = null;
  function matches() {
    const s = state();
    const q = fold(s.q || "");
    const rest = FIELDS.filter(f => f !== "q").map(f => s[f] || "").join("\u0000");
    const pool = last && last.rest === rest && q.startsWith(last.q) ? last.out : ordered(s.sort || "");
    const out = filter(s, pool);
    last = { q, rest, out };
    return out;
  }
  function filter(s, pool) {
    const famSet = s.family ? data.below[s.family] : null;
    const thr = s.threat ? data.threats.findIndex(t => t[0] === s.threat) : -2;
    const side = s.side ? (s.side === "attack" ? 0 : 1) : -2;
    const cat = controls.category.value ? data.categoryIndex[controls.category.value] : -2;
    const sub = controls.subcategory.value ? data.subcategoryIndex[controls.subcategory.value] : -2;
    const venue = s.venue ? data.venues.findIndex(v => v[0] === s.venue) : -2;
    const from = s.from ? +s.from : -Infinity, to = s.to ? +s.to : Infinity;
    const words = fold(s.q || "").split(/\s+/).filter(Boolean);
    const out = [];
    for (const p of pool) {
      if (p.year < from || p.year > to) continue;
      if (venue !== -2 && p.venue !== venue) continue;
      if (words.length && !words.every(w => p.text.includes(w))) continue;
      if (famSet || thr !== -2 || side !== -2 || cat !== -2 || sub !== -2) {
        let ok = false;
        for (const c of p.cls) {
          if ((!famSet || famSet.has(c[0])) && (thr === -2 || c[1] === thr) && (side === -2 || c[2] === side) &&
              (cat === -2 || c[3] === cat) && (sub === -2 || c[4] === sub)) { ok = true; break; }
        }
        if (!ok) continue;
      }
      out.push(p);
    }
    return out;
  }

  // Papers sorted once per sort order; filtering keeps that order, so a keystroke never sorts.
  const orders = {};
  function ordered(sort) {
    if (orders[sort]) return orders[sort];
    const collator = new Intl.Collator("en", { sensitivity: "base" });
    const byTitle = (a, b) => collator.compare(a.title, b.title);
    const venueName = p => (p.venue >= 0 ? data.venues[p.venue][1] : "");
    const cmp = sort === "title" ? byTitle : sort === "year-asc" ? (a, b) => a.year - b.year || byTitle(a, b)
      : sort === "venue" ? (a, b) => collator.compare(venueName(a), venueName(b)) || b.year - a.year : (a, b) => b.year - a.year || byTitle(a, b);
    return (orders[sort] = papers.slice().sort(cmp));
  }

  let current = [];
  function update() { current = matches(); render(); showSort(); }

  // aria-sort on the heading the list is sorted by: the default order is newest first (Year, descending)
  function showSort() {
    const sort = controls.sort.value;
    for (const th of root.querySelectorAll("th[data-sort]")) {
      const by = th.dataset.sort;
      th.setAttribute("aria-sort", by === sort ? "ascending" : by === "year-asc" && !sort ? "descending" : "none");
    }
  }

  function label(c) {
    const parts = [data.families[c[0]][1]];
    if (c[1] >= 0) parts.push(data.threats[c[1]][1] + (c[2] === 0 ? " attack" : " defense"));
    if (c[4] >= 0) parts.push(data.subcategories[c[4]][2]); else if (c[3] >= 0) parts.push(data.categories[c[3]][2]);
    return parts.join(" › ");
  }
  let indexUrl = null;  // paper links are relative to the JSON index; resolved once per paper
  let drawn = "";  // the rows on screen: a keystroke that leaves them as they are does not touch the table
  function render() {
    controls.count.textContent = current.length + " of " + papers.length + " papers" + (current.length ? "" : ": nothing matches; widen the filters or reset them");
    controls.count.dataset.count = current.length;
    controls.more.hidden = current.length <= shown;
    const visible = current.slice(0, shown);
    const key = visible.map(p => p.id).join(" ");
    if (key === drawn) return;
    drawn = key;
    const rows = visible.map(p => el("tr", { "data-id": p.id },
      el("td", {}, el("input", Object.assign({ type: "checkbox", "data-id": p.id, "aria-label": "Tick " + p.title }, picked.has(p.id) ? { checked: "" } : {})), " ", el("a", { href: p.href || (p.href = new URL(data.paper_url.replace("ID", p.id), indexUrl).href), text: p.title }),
        ...(p.short ? [" ", el("span", { class: "sa-short", text: p.short })] : [])),
      el("td", { text: p.authors }), el("td", { text: String(p.year) }),
      el("td", { text: p.venue >= 0 ? data.venues[p.venue][1] : "" }),
      el("td", { class: "sa-tax", text: p.cls.map(label).join("; ") })));
    controls.table.tBodies[0].replaceChildren(...rows);
  }

  function updatePicked() {
    controls.copyPicked.textContent = "Copy BibTeX of ticked (" + picked.size + ")";
    for (const b of [controls.copyPicked, controls.savePicked]) picked.size ? b.removeAttribute("disabled") : b.setAttribute("disabled", "");
  }

  function save(body, name) {
    const a = el("a", { href: URL.createObjectURL(new Blob([body], { type: "application/x-bibtex" })), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  function bibOf(ids) {  // the entries come as a script (explorer-bib.js), so this works from file:// too
    return new Promise((resolve, reject) => {
      const done = () => {
        const { entries, preambles } = window.SAFETYATLAS_BIB;
        const heads = [...new Set(ids.map(id => preambles[id]).filter(Boolean))];
        resolve([...heads, ...ids.map(id => entries[id]).filter(Boolean)].join("\n\n") + "\n");
      };
      if (window.SAFETYATLAS_BIB) return done();
      const s = el("script", { src: root.dataset.bib });
      s.addEventListener("load", done);
      s.addEventListener("error", () => reject(new Error("could not load the BibTeX entries")));
      document.head.append(s);
    });
  }

  async function downloadBib() {
    save(await bibOf(current.map(p => p.id)), "safetyatlas-selection.bib");
  }
})();
