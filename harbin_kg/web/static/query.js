// harbin-kg query page: runs the editor's query against /sparql and shows a table with labels.
// No framework, no CDN; every value reaches the page through textContent, never innerHTML.
(function () {
  "use strict";
  var ENTITY_BASE = "https://w3id.org/hrbvet/id/";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var select = document.getElementById("examples");
  var statusBox = document.getElementById("status");
  var results = document.getElementById("results");
  var share = document.getElementById("share");
  var download = document.getElementById("download");
  var examples = JSON.parse(document.getElementById("examples-data").textContent || "[]");
  var last = null;      // last SPARQL JSON result
  var labels = {};      // IRI -> {zh: ..., en: ...}

  function lang() {
    var checked = document.querySelector('input[name="lang"]:checked');
    return checked ? checked.value : "zh";
  }

  function setStatus(text, isError) {
    statusBox.textContent = text;
    statusBox.className = isError ? "error" : "";
  }

  function updateLinks() {
    var q = encodeURIComponent(editor.value);
    share.href = "?query=" + q;
    download.href = "/sparql?format=csv&query=" + q;
  }

  function labelOf(iri) {
    var found = labels[iri] || {};
    var want = lang();
    return found[want] || found.zh || found.en || found[""] ||
      (iri.indexOf(ENTITY_BASE) === 0 ? iri.slice(ENTITY_BASE.length) : iri);
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.textContent = labelOf(term.value);
      a.title = term.value;
      if (term.value.indexOf(ENTITY_BASE) === 0) {
        a.href = "/id/" + term.value.slice(ENTITY_BASE.length);
      } else if (/^https?:\/\//.test(term.value)) {
        a.href = term.value;
        a.rel = "noopener noreferrer";
      } else {
        var span = document.createElement("span");
        span.textContent = term.value;
        td.appendChild(span);
        return td;
      }
      td.appendChild(a);
    } else if (term.datatype === "http://www.w3.org/2001/XMLSchema#anyURI" && /^https?:\/\/[^\s<>"']+$/i.test(term.value)) {
      // A cited page's URL (schema:url) is a literal: link it only for http(s), never other schemes.
      var link = document.createElement("a");
      link.textContent = term.value;
      link.href = term.value;
      link.rel = "noopener noreferrer";
      td.appendChild(link);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = " @" + term["xml:lang"];
        td.appendChild(tag);
      }
    }
    return td;
  }

  function render() {
    results.textContent = "";
    if (!last) { return; }
    if (typeof last.boolean === "boolean") {
      var p = document.createElement("p");
      p.textContent = "ASK → " + last.boolean;
      results.appendChild(p);
      return;
    }
    var vars = last.head.vars;
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = "?" + v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    last.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    if (last.truncated) {
      var note = document.createElement("p");
      note.className = "truncated";
      note.textContent = last.note || "Results were truncated.";
      results.appendChild(note);
    }
    results.appendChild(table);
  }

  function fetchLabels() {
    var iris = {};
    last.results.bindings.forEach(function (row) {
      Object.keys(row).forEach(function (k) { if (row[k].type === "uri") { iris[row[k].value] = true; } });
    });
    var list = Object.keys(iris);
    if (!list.length) { return Promise.resolve(); }
    return fetch("/labels", { method: "POST", headers: { "Content-Type": "application/json" },
                              body: JSON.stringify({ iris: list }) })
      .then(function (r) { return r.ok ? r.json() : { labels: {} }; })
      .then(function (data) { labels = data.labels || {}; });
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    updateLinks();
    history.replaceState(null, "", "?query=" + encodeURIComponent(editor.value));
    setStatus("运行中 running …", false);
    var started = Date.now();
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(editor.value)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) {
        last = null;
        render();
        setStatus(answer.data.status + ": " + answer.data.error, true);
        return;
      }
      last = answer.data;
      var count = last.results ? last.results.bindings.length : 1;
      var done = function () {
        render();
        setStatus(count + " 行 rows · " + (Date.now() - started) + " ms", false);
      };
      if (last.results) { fetchLabels().then(done, done); } else { done(); }
    }).catch(function (error) {
      setStatus(String(error), true);
    });
  }

  select.addEventListener("change", function () {
    var chosen = examples[Number(select.value)];
    if (chosen) { editor.value = chosen.text; updateLinks(); }
  });
  document.querySelectorAll('input[name="lang"]').forEach(function (radio) {
    radio.addEventListener("change", render);
  });
  editor.addEventListener("input", updateLinks);
  editor.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { run(event); }
  });
  form.addEventListener("submit", run);
  updateLinks();
  if (new URLSearchParams(location.search).has("query")) { run(); }
})();
