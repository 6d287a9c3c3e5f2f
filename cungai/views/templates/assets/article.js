/* cungai-kg annotated article: hover a highlighted span to list the facts it supports, click to
 * open the entity page. Data comes from the JSON block #spans-data; text is set with textContent. */
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var data = JSON.parse(document.getElementById("spans-data").textContent);
  var spans = data.spans;
  // Each fact is [subject, predicate, object]: indexes into the tables of names written once.
  function line(f) {
    var s = data.nodes[f[0]], p = data.predicates[f[1]], o = data.nodes[f[2]];
    return { s_zh: s[0], s_en: s[1], s_href: s[2], s_served: s[3], p_zh: p[0], p_en: p[1],
             o_zh: o[0], o_en: o[1], o_href: o[2], o_served: o[3] };
  }
  var tip = document.getElementById("tip");
  var facts = document.getElementById("facts");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function spansOf(mark) {
    return (mark.getAttribute("data-s") || "").split(" ").filter(Boolean).map(function (i) { return spans[+i]; })
      .sort(function (a, b) { return (a.end - a.start) - (b.end - b.start); });
  }
  var links = window.cungaiLinks || { usable: function (href) { return !!href; } };
  function factLine(f, withLinks) {
    var li = el("li", "fact");
    function part(text, href, cls, served) {
      if (withLinks && links.usable(href, served)) {
        var a = el("a", cls, text);
        a.setAttribute("href", root + href);
        return a;
      }
      return el("span", cls, text);
    }
    li.appendChild(part(f.s_zh, f.s_href, "s", f.s_served));
    li.appendChild(el("span", "p", " " + f.p_zh + " "));
    li.appendChild(part(f.o_zh, f.o_href, "o", f.o_served));
    li.appendChild(el("div", "en", f.s_en + " · " + f.p_en + " · " + f.o_en));
    return li;
  }
  function describe(target, list, withLinks) {
    clear(target);
    list.forEach(function (span) {
      var block = el("div", "span-facts");
      block.appendChild(el("div", "span-quote", "「" + span.exact + "」 " + span.start + "–" + span.end));
      var ul = el("ul");
      span.facts.forEach(function (f) { ul.appendChild(factLine(line(f), withLinks)); });
      block.appendChild(ul);
      target.appendChild(block);
    });
  }

  var text = document.getElementById("text");
  var current = null;
  function show(mark, x, y) {
    var list = spansOf(mark);
    describe(tip, list.slice(0, 2), false);
    tip.hidden = false;
    var width = Math.min(420, window.innerWidth - 24);
    tip.style.maxWidth = width + "px";
    tip.style.left = Math.max(8, Math.min(x + 12, window.innerWidth - width - 12)) + "px";
    tip.style.top = (y + 16 + window.scrollY) + "px";
    describe(facts, list, true);
    if (current) current.forEach(function (m) { m.classList.remove("hover"); });
    var ids = list.length ? String(list[0].i) : "";
    current = Array.prototype.filter.call(text.querySelectorAll("mark.ev"), function (m) {
      return (m.getAttribute("data-s") || "").split(" ").indexOf(ids) >= 0;
    });
    current.forEach(function (m) { m.classList.add("hover"); });
  }
  text.addEventListener("mouseover", function (ev) {
    var mark = ev.target.closest("mark.ev");
    if (mark) show(mark, ev.clientX, ev.clientY);
  });
  text.addEventListener("mouseout", function (ev) {
    if (ev.target.closest("mark.ev")) tip.hidden = true;
  });
  text.addEventListener("focusin", function (ev) {
    var mark = ev.target.closest("mark.ev");
    if (mark) { var r = mark.getBoundingClientRect(); show(mark, r.left, r.bottom); }
  });
  function open(mark) {
    var list = spansOf(mark).filter(function (s) { return links.usable(s.href, s.served); });
    if (list.length) window.location.href = root + list[0].href;
  }
  text.addEventListener("click", function (ev) {
    var mark = ev.target.closest("mark.ev");
    if (mark) open(mark);
  });
  text.addEventListener("keydown", function (ev) {
    var mark = ev.target.closest("mark.ev");
    if (mark && ev.key === "Enter") open(mark);
  });

  // Arriving at #span-START-END: light up that span.
  function target() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    text.querySelectorAll("mark.target").forEach(function (m) { m.classList.remove("target"); });
    var span = spans.filter(function (s) { return s.id === id; })[0];
    if (!span) return;
    var first = null;
    text.querySelectorAll("mark.ev").forEach(function (m) {
      if ((m.getAttribute("data-s") || "").split(" ").indexOf(String(span.i)) >= 0) {
        m.classList.add("target");
        if (!first) first = m;
      }
    });
    describe(facts, [span], true);
    if (first) first.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", target);
  target();
  window.cungaiArticle = { spans: spans.length };
})();
