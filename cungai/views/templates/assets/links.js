/* cungai-kg: links to pages that only `cungai serve` renders (the build wrote the pages of the most
 * central entities; the server renders any other on demand). Opened from the file system, such a
 * link would lead to a missing file: it becomes plain text with a note. Other scripts ask
 * window.cungaiLinks.usable(href, served) before they make a link. Served, every IRI shown
 * (data-iri) becomes a link to the server's own resolver of it (/id/…, /source/…, /graph/…,
 * /ontology), which answers browsers with the page and RDF clients with RDF. */
(function () {
  "use strict";

  var offline = window.location.protocol === "file:";
  var NOTE = "此页由 cungai serve 按需生成 · this page is rendered by cungai serve";

  function usable(href, served) { return !!href && !(served && offline); }
  window.cungaiLinks = { offline: offline, usable: usable, note: NOTE };

  var RESOLVED = /\/(?:id|source|graph)\/.+$|\/ontology(?:#.*)?$/;
  if (!offline) {
    document.querySelectorAll("[data-iri]").forEach(function (code) {
      var local = RESOLVED.exec(code.getAttribute("data-iri") || "");
      if (!local) return;
      var a = document.createElement("a");
      a.href = local[0];
      a.textContent = code.textContent;
      a.title = "HTML · Turtle · JSON-LD · RDF/XML (Accept)";
      code.textContent = "";
      code.appendChild(a);
    });
    return;
  }
  document.querySelectorAll("a[data-on-demand]").forEach(function (a) {
    var span = document.createElement("span");
    span.className = (a.className || "") + " no-page";
    span.textContent = a.textContent;
    span.title = NOTE;
    a.parentNode.replaceChild(span, a);
  });
})();
