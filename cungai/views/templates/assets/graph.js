/* cungai-kg graph pages and entity neighbourhoods (vis-network).
 * Data comes from the JSON block #graph-data; every string from data is written with textContent
 * (tooltips are DOM elements, never HTML strings), so no label or quote can run as markup. */
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var state = { lang: "zh", colourBy: "class", edgeLabels: !!data.edge_labels, hidden: {} };
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.setAttribute("href", root + href);
    return a;
  }
  var links = window.cungaiLinks || { usable: function (href) { return !!href; }, note: "" };
  function pageOf(n) { return n && links.usable(n.href, n.served) ? n.href : ""; }
  function label(n) {
    var name = state.lang === "en" ? (n.label_en || n.label_zh) : (n.label_zh || n.label_en);
    return n.count !== undefined ? name + " " + n.count : name;  // a class of the overview: its entities
  }
  function short(text) { return text.length > 16 ? text.slice(0, 15) + "…" : text; }
  function pred(e) { return state.lang === "en" ? (e.pred_en || e.pred_zh) : (e.pred_zh || e.pred_en); }

  function quoteBlock(ev) {
    var q = el("blockquote", "evidence");
    q.appendChild(el("span", "ctx", "…" + ev.prefix));
    q.appendChild(el("mark", null, ev.exact));
    q.appendChild(el("span", "ctx", ev.suffix + "…"));
    var c = ev.claim;
    if (c) {
      var said = c.voice_zh ? "据" + c.voice_zh + " · according to " + c.voice_en : "";
      var how = c.zh ? c.zh + " · " + c.en : "";
      q.appendChild(el("span", "badge claim claim-" + c.status, [how, said].filter(Boolean).join(" — ")));
    }
    return q;
  }

  function nodeTooltip(n) {
    var box = el("div", "vis-tip");
    box.appendChild(el("div", "tip-title", n.label_zh));
    if (n.label_en && n.label_en !== n.label_zh) box.appendChild(el("div", "tip-en", n.label_en));
    box.appendChild(el("div", "tip-class", n.cls_zh + " · " + n.cls_en));
    if (n.count !== undefined) box.appendChild(el("div", "tip-note", n.count + " 个实体 · entities"));
    else if (n.evidence && n.evidence.length) box.appendChild(quoteBlock(n.evidence[0]));
    else box.appendChild(el("div", "tip-note", "无原文证据（背景知识或词表） · no quote (background or vocabulary)"));
    return box;
  }

  function edgeTooltip(e) {
    var box = el("div", "vis-tip");
    box.appendChild(el("div", "tip-title", e.from_zh + " → " + e.pred_zh + " → " + e.to_zh));
    box.appendChild(el("div", "tip-en", e.from_en + " → " + e.pred_en + " → " + e.to_en));
    if (e.count !== undefined) box.appendChild(el("div", "tip-note", e.count + " 条事实 · facts"));
    else if (e.evidence && e.evidence.length) box.appendChild(quoteBlock(e.evidence[0]));
    else if (e.dashes === true) box.appendChild(el("div", "tip-note", "推理所得 · inferred by HermiT"));
    else if (e.citations && e.citations.length) box.appendChild(el("div", "tip-note", "背景知识 · background: " + e.citations[0]));
    else box.appendChild(el("div", "tip-note", "无原文证据 · no quote"));
    return box;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, { label: short(label(n)), title: nodeTooltip(n) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return Object.assign({}, e, { label: state.edgeLabels ? pred(e) : "", title: edgeTooltip(e) });
  }));
  var container = document.getElementById("network");
  var started = window.performance ? window.performance.now() : 0;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var api = { network: network, nodes: nodes, edges: edges, stabilized: false, expected: data.nodes.length,
              fixed: !!data.fixed, drawnAt: null };
  window.cungai = api;

  // Ready: physics has settled (and is turned off), or, for a layout computed at build time
  // (physics off from the start), the first frame is drawn.
  function settled() {
    if (api.stabilized) return;
    network.setOptions({ physics: { enabled: false } });
    api.stabilized = true;
    api.drawnAt = window.performance ? Math.round(window.performance.now() - started) : null;
    document.body.setAttribute("data-stabilized", "1");
    var status = document.getElementById("status");
    if (status) status.hidden = true;
  }
  if (data.fixed) {
    network.once("afterDrawing", function () { window.setTimeout(settled, 0); });
  } else {
    network.once("stabilizationIterationsDone", settled);
    network.once("stabilized", settled);
  }
  if (!data.nodes.length) settled();
  window.setTimeout(settled, 15000);

  // ---- panel: what a click shows
  var panel = document.getElementById("panel");
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function showNode(id) {
    var n = byId[id];
    if (!n || !panel) return;
    clear(panel);
    panel.appendChild(el("h2", null, n.label_zh));
    if (n.label_en && n.label_en !== n.label_zh) panel.appendChild(el("p", "en-title", n.label_en));
    panel.appendChild(el("p", "tip-class", n.cls_zh + " · " + n.cls_en));
    if (n.count !== undefined) {
      panel.appendChild(el("p", "measures", n.count + " 个实体 · entities"));
      if (n.members && n.members.length) {
        panel.appendChild(el("h3", null, "最核心的 · most central"));
        var ul = el("ul", "relations");
        n.members.forEach(function (m) {
          var li = el("li");
          if (links.usable(m.href, m.served)) li.appendChild(link(m.href, m.zh));
          else li.appendChild(el("span", "no-page", m.zh));
          if (m.en && m.en !== m.zh) li.appendChild(el("span", "en", " " + m.en));
          ul.appendChild(li);
        });
        panel.appendChild(ul);
      }
    } else {
      panel.appendChild(el("p", "measures", "PageRank " + n.pagerank.toFixed(4) + " · betweenness " +
        n.betweenness.toFixed(4) + " · degree " + n.degree + " · community " + n.community));
    }
    if (pageOf(n)) {
      var open = link(n.href, "打开实体页 · open the entity page ›");
      open.className = "open-entity";
      panel.appendChild(open);
    } else if (n.href && n.served) {
      panel.appendChild(el("p", "hint", links.note));
    }
    if (n.evidence && n.evidence.length) {
      panel.appendChild(el("h3", null, "证据 · evidence"));
      n.evidence.forEach(function (ev) {
        var q = quoteBlock(ev);
        if (links.usable(ev.href, ev.served)) q.appendChild(link(ev.href, " 原文 ›"));
        panel.appendChild(q);
      });
    }
    var related = edges.get({ filter: function (e) { return e.from === id || e.to === id; } });
    if (related.length) {
      panel.appendChild(el("h3", null, "关系 · relations (" + related.length + ")"));
      var list = el("ul", "relations");
      related.forEach(function (e) { list.appendChild(edgeItem(e)); });
      panel.appendChild(list);
    }
  }

  function edgeItem(e) {
    var li = el("li", "relation");
    li.appendChild(el("div", null, e.from_zh + " → " + e.pred_zh + " → " + e.to_zh));
    if (e.evidence && e.evidence.length) {
      var q = quoteBlock(e.evidence[0]);
      if (links.usable(e.evidence[0].href, e.evidence[0].served)) q.appendChild(link(e.evidence[0].href, " 原文 ›"));
      li.appendChild(q);
    } else if (e.dashes === true) {
      li.appendChild(el("div", "tip-note", "推理所得 · inferred"));
    } else if (e.citations && e.citations.length) {
      li.appendChild(el("div", "tip-note", "背景知识 · background: " + e.citations[0]));
    }
    return li;
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e || !panel) return;
    clear(panel);
    panel.appendChild(el("h2", null, e.pred_zh + " · " + e.pred_en));
    var list = el("ul", "relations");
    list.appendChild(edgeItem(e));
    panel.appendChild(list);
    (e.evidence || []).slice(1).forEach(function (ev) { panel.appendChild(quoteBlock(ev)); });
  }
  api.showNode = showNode;

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges && params.edges.length) showEdge(params.edges[0]);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes && params.nodes.length && pageOf(byId[params.nodes[0]])) {
      window.location.href = root + byId[params.nodes[0]].href;
    }
  });

  // ---- controls (graph pages only; entity pages draw a bare neighbourhood)
  function relabel() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, label: short(label(n)) }; }));
    edges.update(edges.getIds().map(function (id) {
      var e = edges.get(id);
      return { id: id, label: state.edgeLabels ? pred(e) : "" };
    }));
  }
  function on(id, event, fn) { var e = document.getElementById(id); if (e) e.addEventListener(event, fn); return e; }

  on("lang-zh", "click", function () { state.lang = "zh"; press("lang-zh", "lang-en"); relabel(); });
  on("lang-en", "click", function () { state.lang = "en"; press("lang-en", "lang-zh"); relabel(); });
  function press(onId, offId) {
    document.getElementById(onId).setAttribute("aria-pressed", "true");
    document.getElementById(offId).setAttribute("aria-pressed", "false");
  }
  on("edge-labels", "change", function (ev) { state.edgeLabels = ev.target.checked; relabel(); });
  on("colour-by", "change", function (ev) {
    state.colourBy = ev.target.value;
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, color: state.colourBy === "community" ? n.color_community : n.color_class };
    }));
  });

  function applyFilter() {
    var boxes = document.querySelectorAll("input.class-filter");
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: shown[n.cls] === false }; }));
  }
  document.querySelectorAll("input.class-filter").forEach(function (b) { b.addEventListener("change", applyFilter); });
  on("filter-all", "click", function () {
    document.querySelectorAll("input.class-filter").forEach(function (b) { b.checked = true; }); applyFilter();
  });
  on("filter-none", "click", function () {
    document.querySelectorAll("input.class-filter").forEach(function (b) { b.checked = false; }); applyFilter();
  });

  function norm(text) { return String(text || "").toLowerCase().replace(/[\s'’·\-]/g, ""); }
  function matches(n, q) {
    return norm(n.label_zh).indexOf(q) >= 0 || norm(n.label_en).indexOf(q) >= 0 ||
      n.py.indexOf(q) >= 0 || n.ini.indexOf(q) === 0;
  }
  function focus(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    showNode(id);
  }
  var results = document.getElementById("search-results");
  on("search", "input", function (ev) {
    if (!results) return;
    clear(results);
    var q = norm(ev.target.value);
    if (!q) return;
    data.nodes.filter(function (n) { return matches(n, q); }).slice(0, 12).forEach(function (n) {
      var li = el("li");
      var b = el("button", "result", n.label_zh + (n.label_en ? " · " + n.label_en : ""));
      b.type = "button";
      b.addEventListener("click", function () { focus(n.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
  });
  on("search", "keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var q = norm(ev.target.value);
    var hit = data.nodes.filter(function (n) { return matches(n, q); })[0];
    if (hit) focus(hit.id);
  });
})();
