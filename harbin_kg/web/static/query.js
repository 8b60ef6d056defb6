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
  var runButton = document.getElementById("run");
  var paramBox = document.getElementById("params");
  var paramFields = document.getElementById("param-fields");
  var data = JSON.parse(document.getElementById("examples-data").textContent || "{}");
  var examples = data.examples || [];
  var current = null;   // the chosen bundled query, while the editor holds its text unchanged
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

  // A bundled query runs through /queries/NAME with its parameters, so names are looked up the
  // way the command line looks them up (哈职院 finds the college); edited text runs as SPARQL.
  function bundled() {
    return current && editor.value.trim() === current.text.trim() ? current : null;
  }

  function paramValues() {
    var values = [];
    paramFields.querySelectorAll("input").forEach(function (input) {
      if (input.value.trim()) { values.push([input.name, input.value.trim()]); }
    });
    return values;
  }

  function paramQuery(extra) {
    var parts = paramValues().map(function (pair) {
      return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1]);
    });
    return parts.concat(extra || []).join("&");
  }

  function missing() {
    var chosen = bundled();
    if (!chosen) { return []; }
    var given = {};
    paramValues().forEach(function (pair) { given[pair[0]] = true; });
    return chosen.params.filter(function (p) { return !p.optional && !given[p.name]; });
  }

  function updateLinks() {
    var chosen = bundled();
    paramBox.hidden = !(chosen && chosen.params.length);
    if (chosen) {
      var rest = paramQuery();
      share.href = "?example=" + encodeURIComponent(chosen.name) + (rest ? "&" + rest : "");
      download.href = "/queries/" + encodeURIComponent(chosen.name) + "?" + paramQuery(["format=csv"]);
    } else {
      var q = encodeURIComponent(editor.value);
      share.href = "?query=" + q;
      download.href = "/sparql?format=csv&query=" + q;
    }
    var needed = missing();
    runButton.disabled = needed.length > 0;
    if (needed.length) {
      setStatus("请填写参数 Fill in: " + needed.map(function (p) { return p.name; }).join(", "), false);
    } else if (statusBox.dataset.waiting) {
      setStatus("", false);
    }
    statusBox.dataset.waiting = needed.length ? "1" : "";
  }

  function showParams(chosen, given) {
    paramFields.textContent = "";
    (chosen ? chosen.params : []).forEach(function (p) {
      var row = document.createElement("p");
      var label = document.createElement("label");
      var name = document.createElement("code");
      name.textContent = p.name;
      label.appendChild(name);
      label.appendChild(document.createTextNode(" " + (p.optional ? "（可选 optional）" : "（必填 required）") + " "));
      var input = document.createElement("input");
      input.type = "text";
      input.name = p.name;
      input.id = "param-" + p.name;
      input.placeholder = p.example ? "e.g. " + p.example : p.kind;
      input.value = (given && given[p.name]) || "";
      input.addEventListener("input", updateLinks);
      label.appendChild(input);
      row.appendChild(label);
      if (p.description) {
        var note = document.createElement("span");
        note.className = "hint";
        note.textContent = " " + p.description;
        row.appendChild(note);
      }
      paramFields.appendChild(row);
    });
  }

  function choose(chosen, given) {
    current = chosen || null;
    if (current) { editor.value = current.text; }
    showParams(current, given);
    updateLinks();
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
    if (runButton.disabled) { return; }
    history.replaceState(null, "", share.getAttribute("href"));
    setStatus("运行中 running …", false);
    var started = Date.now();
    var chosen = bundled();
    var request = chosen
      ? fetch("/queries/" + encodeURIComponent(chosen.name) + "?" + paramQuery(),
              { headers: { "Accept": "application/sparql-results+json" } })
      : fetch("/sparql", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json" },
          body: "query=" + encodeURIComponent(editor.value)
        });
    request.then(function (response) {
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
    choose(select.value === "" ? null : examples[Number(select.value)], null);
  });
  document.querySelectorAll('input[name="lang"]').forEach(function (radio) {
    radio.addEventListener("change", render);
  });
  editor.addEventListener("input", updateLinks);
  editor.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { run(event); }
  });
  form.addEventListener("submit", run);
  var search = new URLSearchParams(location.search);
  var given = {};
  search.forEach(function (value, key) { given[key] = value; });
  var opened = examples.filter(function (e) { return e.name === data.selected; })[0];
  choose(opened, given);
  if (search.has("query") || (search.has("example") && opened && !missing().length)) { run(); }
})();
