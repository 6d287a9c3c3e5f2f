/* cungai-kg index: search every entity by Chinese, English or pinyin (full or initials).
 * Data comes from the JSON block #search-data; results are written with textContent. */
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var entities = JSON.parse(document.getElementById("search-data").textContent).entities;
  var input = document.getElementById("entity-search");
  var results = document.getElementById("entity-results");
  var count = document.getElementById("search-count");
  var LIMIT = 50;

  function norm(text) { return String(text || "").toLowerCase().replace(/[\s'’·\-]/g, ""); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function score(e, q) {
    if (norm(e.zh) === q || norm(e.en) === q || e.py === q) return 0;
    if (norm(e.zh).indexOf(q) === 0 || e.py.indexOf(q) === 0 || e.ini.indexOf(q) === 0) return 1;
    if (norm(e.zh).indexOf(q) >= 0 || norm(e.alt).indexOf(q) >= 0) return 2;
    if (norm(e.en).indexOf(q) >= 0) return 3;
    if (e.py.indexOf(q) >= 0) return 4;
    return -1;
  }
  function search() {
    while (results.firstChild) results.removeChild(results.firstChild);
    var q = norm(input.value);
    if (!q) { count.textContent = entities.length + " 个实体 · entities"; return; }
    var hits = entities.map(function (e) { return [score(e, q), e]; })
      .filter(function (p) { return p[0] >= 0; })
      .sort(function (a, b) { return a[0] - b[0] || a[1].zh.localeCompare(b[1].zh); });
    count.textContent = hits.length + " 个结果 · results";
    hits.slice(0, LIMIT).forEach(function (p) {
      var e = p[1];
      var li = el("li", "result cat-" + e.category);
      var a = el("a", null, e.zh);
      a.setAttribute("href", root + e.href);
      li.appendChild(a);
      if (e.en) li.appendChild(el("span", "en", " " + e.en));
      li.appendChild(el("span", "py", " " + e.pys));
      li.appendChild(el("span", "cls", " " + e.cls_zh + " · " + e.cls_en));
      results.appendChild(li);
    });
  }
  input.addEventListener("input", search);
  search();
  window.cungaiIndex = { entities: entities.length, search: function (q) { input.value = q; search(); return results.children.length; } };
})();
